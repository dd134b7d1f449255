"""Untrusted text made safe for a terminal or a log file: control characters shown, never obeyed.

A clip name, prompt, file name or service message can hold ESC sequences (recolour, move the cursor, set
the window title, OSC 8 links), BEL, C1 controls (U+0080-U+009F; a terminal may treat U+009B as ESC [),
line breaks that forge a new log line, or bidirectional overrides that make text read backwards. Each
becomes a visible escape (\\x1b, \\x9b, \\n, \\u202e); everything else, including non-Latin text, passes
unchanged.
"""
from __future__ import annotations

_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))


def _escape(code: int) -> str:
    if code in (0x0A, 0x0D, 0x09):
        return {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}[code]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# One translate table: C0 (but not the backslash's friends), DEL, C1, bidi controls.
_CONTROLS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *_BIDI]
_TERMINAL = str.maketrans({c: _escape(c) for c in _CONTROLS})
_LOG = str.maketrans({c: _escape(c) for c in _CONTROLS if c not in (0x0A, 0x09)})


def for_terminal(text: object) -> str:
    """`text` on one line with every control character escaped (for `info` and other one-line output)."""
    return str(text).translate(_TERMINAL)


def for_log(text: object) -> str:
    """Like for_terminal, but a log message keeps its line breaks and tabs (tracebacks are several lines);
    a carriage return is still escaped, so no line can be overwritten on a terminal. Every line after the
    first is indented, so untrusted text cannot forge a log record of its own."""
    return "\n    ".join(str(text).translate(_LOG).split("\n"))
