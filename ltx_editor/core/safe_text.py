"""Untrusted text made safe for a terminal or a log file: control characters shown, never obeyed.

A clip name, prompt, file name or service message can hold ESC sequences (recolour, move the cursor, set
the window title, OSC 8 links), BEL, C1 controls (U+0080-U+009F; a terminal may treat U+009B as ESC [),
line breaks that forge a new log line, or bidirectional overrides that make text read backwards. Each
becomes a visible escape (\\x1b, \\x9b, \\n, \\u202e); everything else, including non-Latin text, passes
unchanged.
"""
from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# C0, DEL, C1 and the bidi controls: found by one regex scan (fast when, as usual, there are none).
_TERMINAL = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_LOG = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")  # keeps LF and TAB
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    c = match.group()
    if c in _NAMED:
        return _NAMED[c]
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: object) -> str:
    """`text` on one line with every control character escaped (for `info` and other one-line output)."""
    return _TERMINAL.sub(_escape, str(text))


def for_log(text: object) -> str:
    """Like for_terminal, but a log message keeps its line breaks and tabs (tracebacks are several lines);
    a carriage return is still escaped, so no line can be overwritten on a terminal. Every line after the
    first is indented, so untrusted text cannot forge a log record of its own."""
    return _LOG.sub(_escape, str(text)).replace("\n", "\n    ")
