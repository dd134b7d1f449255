import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// The job queue, newest first. `actions` is anything with cancelJob/retryJob/openJobResult/removeJob
// slots (the AppController in the window).
Rectangle {
    id: queue
    required property JobsModel model
    required property QtObject actions
    color: Theme.panel

    ListView {
        id: list
        objectName: "jobList"
        anchors.fill: parent
        anchors.margins: Theme.spacingSmall
        clip: true
        spacing: Theme.spacingSmall
        model: queue.model
        ScrollBar.vertical: ScrollBar {}
        delegate: JobDelegate {
            width: list.width - (list.ScrollBar.vertical.visible ? 10 : 0)
            onCancelRequested: queue.actions.cancelJob(jobId)
            onRetryRequested: queue.actions.retryJob(jobId)
            onOpenRequested: queue.actions.openJobResult(jobId)
            onRemoveRequested: queue.actions.removeJob(jobId)
        }
    }
    Label {
        anchors.centerIn: parent
        width: parent.width - 4 * Theme.spacing
        visible: list.count === 0
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        text: qsTr("No jobs yet.\nWrite a prompt in Generate and press Generate.")
        color: Theme.textFaint
    }
}
