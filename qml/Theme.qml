pragma Singleton
import QtQuick

// The editor's dark theme: every color, font size and spacing used by the views comes from here.
QtObject {
    // surfaces, darkest to lightest
    readonly property color window: "#16181d"
    readonly property color panel: "#1e2128"
    readonly property color panelAlt: "#252932"
    readonly property color raised: "#2d323c"
    readonly property color hover: "#363c48"
    readonly property color border: "#3a404c"
    readonly property color divider: "#2a2f38"

    // text
    readonly property color text: "#e6e8ec"
    readonly property color textDim: "#a3a9b5"
    readonly property color textFaint: "#6d7482"
    readonly property color textOnAccent: "#ffffff"

    // accents and states
    readonly property color accent: "#5b8def"
    readonly property color accentHover: "#77a1f3"
    readonly property color accentPressed: "#4a78d4"
    readonly property color selection: "#3d5a99"
    readonly property color ok: "#4cc38a"
    readonly property color warning: "#f5c542"
    readonly property color error: "#ef5b5b"
    readonly property color info: "#64b5f6"

    // timeline
    readonly property color videoClip: "#4a6fb5"
    readonly property color videoClipSelected: "#6f93d8"
    readonly property color audioClip: "#3f8f6b"
    readonly property color audioClipSelected: "#5cb38b"
    readonly property color generatedClip: "#7b5cc4"
    readonly property color keyframe: "#f5a742"
    readonly property color marker: "#f5c542"
    readonly property color playhead: "#ff5964"
    readonly property color ruler: "#1a1d23"
    readonly property color trackHeader: "#20242b"
    readonly property color trackBackground: "#1b1e24"
    readonly property color trackBackgroundAlt: "#1e2128"

    // backends (badges)
    readonly property color backendLocal: "#4cc38a"
    readonly property color backendFal: "#b07cf0"
    readonly property color backendReplicate: "#f08a5b"

    // job states
    function jobStateColor(state) {
        switch (state) {
        case "running": return accent
        case "finished": return ok
        case "failed": return error
        case "interrupted": return warning
        case "cancelled": return textFaint
        default: return textDim
        }
    }
    function backendColor(backend) {
        switch (backend) {
        case "local": return backendLocal
        case "fal": return backendFal
        case "replicate": return backendReplicate
        default: return textFaint
        }
    }

    // type
    readonly property string fontFamily: "DejaVu Sans"
    readonly property string monoFamily: "DejaVu Sans Mono"
    readonly property int fontSmall: 11
    readonly property int fontNormal: 12
    readonly property int fontLarge: 14
    readonly property int fontTitle: 16

    // geometry
    readonly property int spacing: 8
    readonly property int spacingSmall: 4
    readonly property int radius: 4
    readonly property int controlHeight: 28
    readonly property int iconSize: 16
    readonly property int toolbarHeight: 36
    readonly property int trackHeight: 56
    readonly property int trackHeaderWidth: 150
    readonly property int rulerHeight: 26
    readonly property int keyframeLaneHeight: 34
    readonly property int thumbWidth: 112
    readonly property int thumbHeight: 63
}
