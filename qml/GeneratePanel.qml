pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import LtxEditor 1.0

// The generate form. Every field is a Property of the GenerateController; the controller decides what
// is valid, what it costs and why Generate is disabled — this file only lays the fields out.
Rectangle {
    id: panel
    required property GenerateController generate
    readonly property GenerateController gen: generate
    signal generated(string jobId)
    color: Theme.panel

    function backendStatus() {
        for (let i = 0; i < gen.backends.length; ++i)
            if (gen.backends[i].id === gen.backend) return gen.backends[i]
        return { "ready": false, "reason": "" }
    }
    function submit() {
        const id = gen.generate()
        if (id !== "") panel.generated(id)
    }

    ScrollView {
        id: scroll
        anchors.fill: parent
        anchors.bottomMargin: footer.height
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: scroll.availableWidth - 2 * Theme.spacing
            x: Theme.spacing
            spacing: Theme.spacingSmall

            Item { Layout.preferredHeight: Theme.spacingSmall }
            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.spacing
                ColumnLayout {
                    Layout.fillWidth: true
                    FormLabel { text: qsTr("Backend") }
                    ValueCombo {
                        id: backendBox
                        objectName: "backendBox"
                        Layout.fillWidth: true
                        model: panel.gen.backends
                        textRole: "name"
                        valueRole: "id"
                        value: panel.gen.backend
                        onPicked: function (v) { panel.gen.backend = v }
                        delegate: ItemDelegate {
                            id: backendItem
                            required property var modelData
                            required property int index
                            width: backendBox.width
                            highlighted: backendBox.highlightedIndex === backendItem.index
                            contentItem: RowLayout {
                                Rectangle { width: 8; height: 8; radius: 4; color: backendItem.modelData.ready ? Theme.ok : Theme.textFaint }
                                Label { text: backendItem.modelData.name; color: Theme.text }
                                Label {
                                    Layout.fillWidth: true
                                    text: backendItem.modelData.ready ? "" : backendItem.modelData.reason
                                    elide: Text.ElideRight
                                    color: Theme.textFaint
                                    font.pixelSize: Theme.fontSmall
                                }
                            }
                        }
                    }
                }
                ColumnLayout {
                    Layout.fillWidth: true
                    FormLabel { text: qsTr("Model") }
                    ValueCombo {
                        objectName: "modelBox"
                        Layout.fillWidth: true
                        model: panel.gen.models
                        textRole: "name"
                        valueRole: "modelId"
                        value: panel.gen.modelId
                        onPicked: function (v) { panel.gen.modelId = v }
                    }
                }
            }
            RowLayout {  // is the backend ready, and if not, why
                Layout.fillWidth: true
                spacing: Theme.spacingSmall
                Rectangle { width: 8; height: 8; radius: 4; color: panel.backendStatus().ready ? Theme.ok : Theme.warning }
                Label {
                    objectName: "backendStatus"
                    Layout.fillWidth: true
                    Layout.preferredWidth: 0  // a long reason wraps; its one-line width must not widen the form
                    // ready: what will run where ("Local ready — LTXV 2B on RTX 4090"); else what is missing
                    text: panel.backendStatus().ready
                          ? (panel.backendStatus().reason !== "ready" && panel.backendStatus().reason !== ""
                             ? qsTr("%1 ready — %2").arg(backendBox.currentText).arg(panel.backendStatus().reason)
                             : qsTr("%1 ready").arg(backendBox.currentText))
                          : panel.backendStatus().reason
                    wrapMode: Text.Wrap
                    color: panel.backendStatus().ready ? Theme.textDim : Theme.warning
                    font.pixelSize: Theme.fontSmall
                }
                Label {  // the fix for what is missing (download, a smaller model, the cloud with its price): a link
                    objectName: "backendFix"
                    Layout.preferredWidth: 0
                    Layout.fillWidth: true
                    visible: !panel.backendStatus().ready && (panel.backendStatus().fix || "") !== ""
                    text: (panel.backendStatus().fix || "") + " ›"
                    wrapMode: Text.Wrap
                    color: Theme.accent
                    font.pixelSize: Theme.fontSmall
                    font.underline: fixHover.hovered
                    HoverHandler { id: fixHover; cursorShape: Qt.PointingHandCursor }
                    TapHandler { onTapped: panel.gen.applyFix(panel.backendStatus().action) }
                }
            }

            FormLabel { text: qsTr("Mode") }
            ValueCombo {
                objectName: "modeBox"
                Layout.fillWidth: true
                model: panel.gen.modes
                textRole: "name"
                valueRole: "id"
                value: panel.gen.mode
                onPicked: function (v) { panel.gen.mode = v }
            }

            SourceImage {
                Layout.fillWidth: true
                visible: panel.gen.needsImage
                generate: panel.gen
            }
            Label {
                Layout.fillWidth: true
                visible: panel.gen.needsVideo
                text: panel.gen.sourceVideo !== "" ? qsTr("Source clip: %1").arg(panel.gen.sourceVideo.split("/").pop())
                                                   : qsTr("Pick a clip in the bin: right-click → Extend.")
                color: panel.gen.sourceVideo !== "" ? Theme.text : Theme.textFaint
                elide: Text.ElideMiddle
            }

            FormLabel { text: qsTr("Prompt") }
            ScrollView {
                Layout.fillWidth: true
                Layout.preferredHeight: 96
                TextArea {
                    id: promptArea
                    objectName: "promptField"
                    text: panel.gen.prompt
                    placeholderText: qsTr("Describe the shot: subject, action, camera, light…")
                    wrapMode: TextEdit.Wrap
                    selectByMouse: true
                    onTextChanged: panel.gen.prompt = text
                    background: Rectangle { color: Theme.window; radius: Theme.radius
                                            border.color: promptArea.activeFocus ? Theme.accent : Theme.border }
                }
            }
            CheckBox {
                objectName: "enhanceBox"
                text: qsTr("Enhance the prompt before generating")
                checked: panel.gen.enhance
                onToggled: panel.gen.enhance = checked
            }
            FormLabel { text: qsTr("Negative prompt") }
            TextField {
                objectName: "negativeField"
                Layout.fillWidth: true
                text: panel.gen.negativePrompt
                selectByMouse: true
                onTextEdited: panel.gen.negativePrompt = text
            }

            GridLayout {
                Layout.fillWidth: true
                columns: 2
                columnSpacing: Theme.spacing
                rowSpacing: Theme.spacingSmall

                FormLabel { text: qsTr("Resolution") }
                FormLabel { text: qsTr("Aspect ratio") }
                ValueCombo {
                    objectName: "resolutionBox"
                    Layout.fillWidth: true
                    enabled: !panel.gen.customSize
                    model: panel.gen.resolutions
                    value: panel.gen.resolution
                    onPicked: function (v) { panel.gen.resolution = v }
                }
                ValueCombo {
                    objectName: "aspectBox"
                    Layout.fillWidth: true
                    enabled: !panel.gen.customSize
                    model: panel.gen.aspectRatios
                    value: panel.gen.aspectRatio
                    onPicked: function (v) { panel.gen.aspectRatio = v }
                }
                CheckBox {
                    objectName: "customSizeBox"
                    Layout.columnSpan: 2
                    text: qsTr("Custom size (multiples of 32)")
                    checked: panel.gen.customSize
                    onToggled: panel.gen.customSize = checked
                }
                SpinBox {
                    objectName: "widthSpin"
                    visible: panel.gen.customSize
                    Layout.fillWidth: true
                    from: 32; to: 2048; stepSize: 32; editable: true
                    value: panel.gen.width
                    onValueModified: panel.gen.width = value
                }
                SpinBox {
                    objectName: "heightSpin"
                    visible: panel.gen.customSize
                    Layout.fillWidth: true
                    from: 32; to: 2048; stepSize: 32; editable: true
                    value: panel.gen.height
                    onValueModified: panel.gen.height = value
                }
                RowLayout {  // the project's size and rate, and how they were rounded for the model
                    Layout.columnSpan: 2
                    Layout.fillWidth: true
                    visible: panel.gen.projectNote !== ""
                    Label {
                        objectName: "projectSizeNote"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 0  // wraps instead of widening the form
                        text: panel.gen.projectNote
                        wrapMode: Text.Wrap
                        color: Theme.textDim
                        font.pixelSize: Theme.fontSmall
                    }
                    Button {
                        objectName: "followProjectButton"
                        visible: !panel.gen.followsProject
                        text: qsTr("Match project")
                        flat: true
                        onClicked: panel.gen.followProject()
                    }
                }

                FormLabel { text: qsTr("Duration") }
                FormLabel { text: qsTr("Frame rate") }
                TenthsSpin {
                    objectName: "durationSpin"
                    Layout.fillWidth: true
                    from: 1; to: 600
                    suffix: " s"
                    realValue: panel.gen.durationS
                    onRealModified: function (v) { panel.gen.durationS = v }
                }
                ValueCombo {
                    objectName: "fpsBox"
                    Layout.fillWidth: true
                    model: panel.gen.fpsOptions
                    value: panel.gen.fps
                    displayText: currentText + " fps"
                    onPicked: function (v) { panel.gen.fps = v }
                }

                FormLabel { text: qsTr("Steps") }
                FormLabel { text: qsTr("Guidance") }
                SpinBox {
                    objectName: "stepsSpin"
                    Layout.fillWidth: true
                    from: 1; to: 100; editable: true
                    value: panel.gen.steps
                    onValueModified: panel.gen.steps = value
                }
                TenthsSpin {
                    objectName: "guidanceSpin"
                    Layout.fillWidth: true
                    from: 0; to: 200
                    realValue: panel.gen.guidance
                    onRealModified: function (v) { panel.gen.guidance = v }
                }
            }

            FormLabel { text: qsTr("Speed") }
            ComboBox {
                // Draft: distilled schedule, smaller, cached; Standard: the model's reference recipe;
                // Final: the recipe plus its multi-scale pass (core/presets.py).
                objectName: "presetBox"
                readonly property var ids: ["", "draft", "standard", "final"]
                Layout.fillWidth: true
                model: [qsTr("As set above"), qsTr("Draft"), qsTr("Standard"), qsTr("Final")]
                currentIndex: Math.max(0, ids.indexOf(panel.gen.preset))
                onActivated: function (i) { panel.gen.preset = ids[i] }
            }
            RowLayout {
                Layout.fillWidth: true
                CheckBox {
                    objectName: "multiscaleCheck"
                    text: qsTr("Multi-scale")
                    enabled: panel.gen.preset === ""
                    checked: panel.gen.multiscale
                    onToggled: panel.gen.multiscale = checked
                }
                CheckBox {
                    objectName: "audioCheck"
                    text: qsTr("Audio")
                    visible: panel.gen.modelHasAudio
                    checked: panel.gen.audio
                    onToggled: panel.gen.audio = checked
                }
            }

            FormLabel { text: qsTr("Seed") }
            RowLayout {
                Layout.fillWidth: true
                SpinBox {
                    objectName: "seedSpin"
                    Layout.fillWidth: true
                    from: 0; to: 2147483647; editable: true
                    value: panel.gen.seed
                    textFromValue: function (v) { return String(v) }
                    valueFromText: function (t) { return parseInt(t) || 0 }
                    onValueModified: panel.gen.seed = value
                }
                ToolButton {
                    text: "↻"
                    ToolTip.visible: hovered; ToolTip.text: qsTr("New random seed")
                    onClicked: panel.gen.randomizeSeed()
                }
                CheckBox {
                    objectName: "seedLockBox"
                    text: qsTr("Lock")
                    checked: panel.gen.seedLocked
                    onToggled: panel.gen.seedLocked = checked
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Locked: every generation uses this seed. Unlocked: a new seed each time.")
                }
            }

            LoraList {
                Layout.fillWidth: true
                visible: panel.gen.supportsLoras
                loras: panel.gen.loras
            }
            Item { Layout.preferredHeight: Theme.spacing }
        }
    }

    Rectangle {  // cost, what is wrong, Generate — always in view
        id: footer
        anchors.left: parent.left; anchors.right: parent.right; anchors.bottom: parent.bottom
        height: footerColumn.implicitHeight + 2 * Theme.spacing
        color: Theme.panelAlt
        Rectangle { anchors.top: parent.top; width: parent.width; height: 1; color: Theme.divider }
        ColumnLayout {
            id: footerColumn
            anchors.fill: parent
            anchors.margins: Theme.spacing
            spacing: Theme.spacingSmall
            RowLayout {
                Layout.fillWidth: true
                Label {
                    objectName: "summaryLabel"
                    Layout.fillWidth: true
                    text: panel.gen.summary
                    color: Theme.textDim
                    font.pixelSize: Theme.fontSmall
                    elide: Text.ElideRight
                }
                Label {
                    objectName: "costLabel"
                    text: panel.gen.costText
                    color: panel.gen.backend === "local" ? Theme.ok : Theme.warning
                    font.pixelSize: Theme.fontSmall
                }
            }
            Label {
                objectName: "problemLabel"
                Layout.fillWidth: true
                visible: panel.gen.problem !== ""
                text: panel.gen.problem
                color: Theme.warning
                wrapMode: Text.Wrap
                font.pixelSize: Theme.fontSmall
            }
            Button {
                objectName: "generateButton"
                Layout.fillWidth: true
                Layout.preferredHeight: 36
                text: qsTr("Generate")
                enabled: panel.gen.canGenerate
                highlighted: true
                font.bold: true
                onClicked: panel.submit()
            }
        }
    }
}
