import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// One job: state, label, progress bar (indeterminate while the stage has no steps), place in line or
// step i/n, elapsed and ETA, the error in words, and cancel / retry / open / remove. While a local job runs,
// a small live picture of the clip so far (sent by the generator every few steps) sits above the bar.
Rectangle {
    id: job
    required property string jobId
    required property string label
    required property string jobState
    required property string stateText
    required property string backend
    required property string modelId
    required property real progress
    required property string detail
    required property string elapsed
    required property string eta
    required property string error
    required property string errorHint
    required property bool canCancel
    required property bool canRetry
    required property bool canOpen
    required property string costText
    required property string previewUrl  // a data: URL of the newest live picture while running, else ""

    signal cancelRequested()
    signal retryRequested()
    signal openRequested()
    signal removeRequested()

    implicitHeight: column.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius
    color: Theme.panelAlt
    border.color: job.jobState === "failed" ? Qt.darker(Theme.error, 1.6) : Theme.divider

    Rectangle {  // state stripe
        width: 3; height: parent.height - 2 * radius; y: radius
        color: Theme.jobStateColor(job.jobState)
    }

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: Theme.spacing
        anchors.leftMargin: Theme.spacing + 3
        spacing: 4

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacingSmall
            Rectangle {
                width: stateLabel.implicitWidth + 10; height: 18; radius: 3
                color: Qt.darker(Theme.jobStateColor(job.jobState), 2.2)
                Label {
                    id: stateLabel
                    objectName: "jobState"
                    anchors.centerIn: parent
                    text: job.stateText
                    color: Theme.jobStateColor(job.jobState)
                    font.pixelSize: Theme.fontSmall - 1
                    font.bold: true
                }
            }
            Label {
                Layout.fillWidth: true
                text: job.label
                elide: Text.ElideRight
                color: Theme.text
            }
            Label { text: job.costText; color: Theme.textFaint; font.pixelSize: Theme.fontSmall - 1 }
        }
        Label {
            Layout.fillWidth: true
            text: (job.backend === "local" ? "Local" : job.backend === "fal" ? "fal.ai" : "Replicate") + " · " + job.modelId
            color: Theme.textFaint
            font.pixelSize: Theme.fontSmall - 1
            elide: Text.ElideRight
        }
        Image {
            objectName: "jobPreview"
            Layout.fillWidth: true
            Layout.preferredHeight: visible && sourceSize.width > 0
                                    ? Math.min(160, width * sourceSize.height / sourceSize.width) : 0
            visible: job.previewUrl !== ""
            source: job.previewUrl
            fillMode: Image.PreserveAspectFit
            horizontalAlignment: Image.AlignLeft
            cache: false  // each picture is seen once; the cache would only keep old ones alive
        }
        ProgressBar {
            objectName: "jobProgress"
            Layout.fillWidth: true
            visible: job.jobState === "running" || job.jobState === "queued"
            from: 0; to: 1
            indeterminate: job.progress < 0
            value: Math.max(0, job.progress)
        }
        RowLayout {
            Layout.fillWidth: true
            Label {
                objectName: "jobDetail"
                Layout.fillWidth: true
                text: job.detail
                color: Theme.textDim
                font.pixelSize: Theme.fontSmall
                elide: Text.ElideRight
            }
            Label {
                objectName: "jobClock"
                text: job.elapsed === "" ? "" : (job.eta !== "" ? qsTr("%1 · ~%2 left").arg(job.elapsed).arg(job.eta) : job.elapsed)
                color: Theme.textDim
                font.family: Theme.monoFamily
                font.pixelSize: Theme.fontSmall
            }
        }
        Label {
            objectName: "jobError"
            Layout.fillWidth: true
            visible: job.error !== ""
            text: job.error + (job.errorHint !== "" ? "\n" + job.errorHint : "")
            color: Theme.error
            wrapMode: Text.Wrap
            font.pixelSize: Theme.fontSmall
        }
        RowLayout {
            Layout.alignment: Qt.AlignRight
            spacing: Theme.spacingSmall
            Button { objectName: "openJobButton"; text: qsTr("Open"); visible: job.canOpen; flat: true; onClicked: job.openRequested() }
            Button { objectName: "retryJobButton"; text: qsTr("Retry"); visible: job.canRetry; flat: true; onClicked: job.retryRequested() }
            Button { objectName: "cancelJobButton"; text: qsTr("Cancel"); visible: job.canCancel; flat: true; onClicked: job.cancelRequested() }
            Button { objectName: "removeJobButton"; text: qsTr("Remove"); visible: !job.canCancel; flat: true; onClicked: job.removeRequested() }
        }
    }
}
