import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// The main window: bin | preview | generate+jobs on top, the timeline below.
ApplicationWindow {
    id: window
    required property ProjectDocument document

    width: 1440
    height: 900
    visible: true
    color: Theme.window
    title: (document.dirty ? "• " : "") + document.name + " — LTX Editor"

    SplitView {
        anchors.fill: parent
        orientation: Qt.Vertical

        Rectangle {  // placeholder for bin | preview | generate (filled in next)
            SplitView.preferredHeight: parent.height * 0.55
            color: Theme.panel
        }

        // The timeline (qml/timeline/Timeline.qml, owned by the timeline half) gets the document only.
        Loader {
            id: timelineLoader
            objectName: "timelineLoader"
            SplitView.fillHeight: true
            Component.onCompleted: setSource(Qt.resolvedUrl("timeline/Timeline.qml"), {"document": window.document})
        }
    }
}
