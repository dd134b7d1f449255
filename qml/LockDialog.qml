import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Offered when another editor has the project open (its lock file names who): like LibreOffice's
// "Document in use" — open read-only, open anyway (both editors then save over each other), or cancel.
Dialog {
    id: dialog
    property string path: ""
    property string holder: ""
    signal chosen(string path, string access)   // access: "read-only" or "anyway"

    function offer(projectPath, who) { path = projectPath; holder = who; open() }

    title: qsTr("Project in use")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: 540

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        Label {
            objectName: "lockMessage"
            Layout.fillWidth: true
            text: qsTr("“%1” is open in another editor: %2.").arg(dialog.path.split("/").pop()).arg(dialog.holder)
            wrapMode: Text.Wrap
            color: Theme.text
        }
        Label {
            Layout.fillWidth: true
            text: qsTr("Open read-only to look at it (Save As keeps your changes in another file). Open anyway "
                       + "only if that editor is not really using it: each save replaces the other's.")
            wrapMode: Text.Wrap
            color: Theme.textDim
        }
    }
    footer: DialogButtonBox {
        Button {
            objectName: "openReadOnlyButton"
            text: qsTr("Open read-only")
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            objectName: "openAnywayButton"
            text: qsTr("Open anyway")
            DialogButtonBox.buttonRole: DialogButtonBox.ApplyRole
        }
        Button {
            objectName: "cancelOpenButton"
            text: qsTr("Cancel")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        onAccepted: { dialog.close(); dialog.chosen(dialog.path, "read-only") }
        onApplied: { dialog.close(); dialog.chosen(dialog.path, "anyway") }
        onRejected: dialog.close()
    }
}
