import subprocess
import sys

import pytest
from pydantic import ValidationError

from ltx_editor.generation.errors import BackendUnavailable, Cancelled
from ltx_editor.generation.factory import LTXVideoProviderFactory
from ltx_editor.generation.request import CancelToken, Condition, GenerationRequest


def img(frame=0):
    return Condition(kind="image", path="/tmp/a.png", frame_index=frame)


def test_modes_check_their_conditions():
    GenerationRequest(prompt="x", mode="image-to-video", conditions=[img()])
    GenerationRequest(prompt="x", mode="keyframes", conditions=[img(0), img(40)])
    with pytest.raises(ValidationError, match="exactly one image"):
        GenerationRequest(prompt="x", mode="image-to-video")
    with pytest.raises(ValidationError, match="no conditions"):
        GenerationRequest(prompt="x", conditions=[img()])
    with pytest.raises(ValidationError, match="video condition"):
        GenerationRequest(prompt="x", mode="extend-forward", conditions=[img()])


def test_condition_past_the_last_frame_is_refused():
    with pytest.raises(ValidationError, match="past the last frame"):
        GenerationRequest(prompt="x", mode="keyframes", conditions=[img(500)],
                          settings={"num_frames_override": 97})


def test_empty_prompt_refused():
    with pytest.raises(ValidationError):
        GenerationRequest(prompt="")


def test_cancel_token():
    token = CancelToken()
    token.raise_if_cancelled()
    token.cancel()
    with pytest.raises(Cancelled):
        token.raise_if_cancelled()


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(BackendUnavailable, match="Unknown backend"):
        LTXVideoProviderFactory.create("nope")


def test_importing_generation_does_not_import_torch():
    code = ("import sys, ltx_editor.generation, ltx_editor.generation.factory, ltx_editor.generation.request;"
            "print('torch' in sys.modules, 'diffusers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
