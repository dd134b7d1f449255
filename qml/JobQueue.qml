pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// The job queue, newest first. `actions` (the AppController) cancels, retries, opens and removes jobs.
Rectangle {
    id: queue
    required property JobsModel model
    required property AppController actions
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
            id: row
            width: list.width - (list.ScrollBar.vertical.visible ? 10 : 0)
            onCancelRequested: queue.actions.cancelJob(row.jobId)
            onRetryRequested: queue.actions.retryJob(row.jobId)
            onOpenRequested: queue.actions.openJobResult(row.jobId)
            onRemoveRequested: queue.actions.removeJob(row.jobId)
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
