import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Quit while generation jobs are running or queued: cancel them, or keep them queued for next time (they are
// saved with the project and run again when it opens; a running one comes back "interrupted", to retry).
// Either way the editor then quits; "Don't quit" goes back.
Dialog {
    id: dialog
    property int jobCount: 0
    signal cancelJobsChosen()
    signal keepJobsChosen()

    function ask(count) { jobCount = count; open() }

    title: qsTr("Generation in progress")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: 500

    ColumnLayout {
        width: parent.width
        spacing: Theme.spacing
        Label {
            Layout.fillWidth: true
            text: dialog.jobCount === 1 ? qsTr("1 generation job is still running or waiting.")
                                        : qsTr("%1 generation jobs are still running or waiting.").arg(dialog.jobCount)
            wrapMode: Text.Wrap
            color: Theme.text
        }
        Label {
            Layout.fillWidth: true
            text: qsTr("Keep them to run again the next time this project opens (save the project to keep them), or cancel them now.")
            wrapMode: Text.Wrap
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
        }
        RowLayout {
            Layout.fillWidth: true
            Item { Layout.fillWidth: true }
            Button { objectName: "quitKeepJobs"; text: qsTr("Keep them queued"); onClicked: { dialog.close(); dialog.keepJobsChosen() } }
            Button { objectName: "quitCancelJobs"; text: qsTr("Cancel them and quit"); onClicked: { dialog.close(); dialog.cancelJobsChosen() } }
            Button { objectName: "quitStay"; text: qsTr("Don't quit"); onClicked: dialog.close() }
        }
    }
}
