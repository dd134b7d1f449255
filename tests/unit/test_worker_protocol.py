"""The worker protocol: typed JSON lines both ways; anything else is refused, never unpickled."""
import pickle

import pytest
from pydantic import ValidationError

from ltx_editor.generation.request import GenerationRequest, ProgressEvent, Stage
from ltx_editor.generation.worker.protocol import (
    Cancel,
    Failure,
    Generate,
    Progress,
    Shutdown,
    Start,
    decode_from_worker,
    decode_to_worker,
    encode,
)


def test_messages_round_trip_as_one_json_line_each():
    request = GenerationRequest(prompt="a cat walks on the beach")
    sent = [Start(options={"max_sequence_length": 16}), Generate(job_id="j1", request=request, output_dir="/tmp/x"),
            Cancel(job_id="j1"), Shutdown()]
    for message in sent:
        line = encode(message)
        assert line.endswith(b"\n") and line.count(b"\n") == 1 and line.startswith(b"{")
        assert decode_to_worker(line) == message
    back = [Progress(job_id="j1", event=ProgressEvent(stage=Stage.GENERATING, step=1, total=2)),
            Failure(job_id="j1", error_type="OutOfMemory", message="out of memory", hint="smaller", retryable=True)]
    for message in back:
        assert decode_from_worker(encode(message)) == message


def test_a_request_that_breaks_its_own_rules_is_refused_on_arrival():
    line = (b'{"type": "generate", "job_id": "j", "output_dir": "/tmp", "request": '
            b'{"prompt": "x", "mode": "image-to-video", "conditions": []}}')
    with pytest.raises(ValidationError, match="image-to-video needs exactly one image"):
        decode_to_worker(line)


@pytest.mark.parametrize("line", [
    b'{"type": "exec", "code": "import os"}',  # an unknown kind of message
    b'{"type": "cancel", "job_id": "j", "extra": 1}',  # a field the protocol does not have
    b'{"type": "cancel"}',  # a missing field
    b"not json",
    pickle.dumps(Cancel(job_id="j")),  # pickles are data it does not read
])
def test_anything_but_a_protocol_message_is_refused(line):
    with pytest.raises(ValidationError):
        decode_to_worker(line)


def test_the_worker_cannot_send_editor_commands():
    with pytest.raises(ValidationError):
        decode_from_worker(encode(Shutdown()))
