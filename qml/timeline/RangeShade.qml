import QtQuick
import LtxEditor 1.0

// The span chosen for generation (inclusive frames), shaded across a lane.
Rectangle {
    required property Timeline view
    readonly property TimelineController ctl: view.controller
    visible: !!ctl && ctl.hasRange
    x: ctl ? view.xOfFrame(ctl.rangeStart) : 0
    width: ctl ? Math.max(2, (ctl.rangeEnd + 1 - ctl.rangeStart) * view.ppf) : 0
    color: "#335b8def"
    border.color: Theme.accent
    border.width: 1
}
