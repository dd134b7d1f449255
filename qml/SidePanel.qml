import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// The right-hand column: Generate | Jobs | Storyboard | Cast tabs. The storyboard panel belongs to the workflow
// half; it loads through a Loader so the window still opens without it.
Rectangle {
    id: side
    required property AppController app
    property alias currentIndex: tabs.currentIndex
    color: Theme.panel

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        TabBar {
            id: tabs
            objectName: "sideTabs"
            Layout.fillWidth: true
            TabButton { text: qsTr("Generate") }
            TabButton {
                objectName: "jobsTab"
                text: side.app.jobs.count > 0 ? qsTr("Jobs (%1)").arg(side.app.jobs.count) : qsTr("Jobs")
            }
            TabButton { text: qsTr("Storyboard") }
            TabButton { objectName: "castTab"; text: qsTr("Cast") }
        }
        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: tabs.currentIndex

            GeneratePanel {
                objectName: "generatePanel"
                generate: side.app.generate
                onGenerated: tabs.currentIndex = 1
            }
            JobQueue {
                objectName: "jobQueue"
                model: side.app.jobs
                actions: side.app
            }
            Loader {
                id: storyboardLoader
                objectName: "storyboardLoader"
                Component.onCompleted: setSource(Qt.resolvedUrl("StoryboardPanel.qml"),
                                                 {"document": side.app.document, "storyboard": side.app.storyboard,
                                                  "takes": side.app.takes})
                Label {
                    anchors.centerIn: parent
                    visible: storyboardLoader.status !== Loader.Ready
                    text: qsTr("The storyboard is not available in this build.")
                    color: Theme.textFaint
                }
            }
            CastPanel {
                objectName: "castPanel"
                cast: side.app.cast
            }
        }
    }
}
