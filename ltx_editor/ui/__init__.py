"""Qt glue: QObject controllers and item models exposed to QML as the `LtxEditor` module."""
