"""qmllint knows the Python-registered `LtxEditor` module from qml/LtxEditor/ (qmldir + ltxeditor.qmltypes,
made by `python -m ltx_editor.ui.qml_typeinfo`): the checked-in description matches the classes as they are."""
from __future__ import annotations

from ltx_editor.ui import qml_typeinfo


def test_checked_in_qmltypes_describe_the_classes_as_they_are(qapp):
    assert qml_typeinfo.stale() == [], "run: python -m ltx_editor.ui.qml_typeinfo"


def test_the_description_holds_every_controller_with_its_typed_properties(qapp):
    text = qml_typeinfo.qmltypes_text()
    for name in ("AppController", "ProjectDocument", "SpanController", "FrameActions", "StoryboardController",
                 "BinModel", "TimelineController", "RoleListModel"):
        assert f'name: "{name}"' in text, name
    app = text[text.index('name: "AppController"'):]
    app = app[: app.index("Component {") if "Component {" in app else len(app)]
    assert 'name: "document"\n            type: "ProjectDocument"' in app  # typed, not a bare QObject
