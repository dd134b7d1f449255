"""Short unique ids for everything a project addresses (clips, tracks, assets, takes, keyframes...)."""
from __future__ import annotations

import secrets

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
_LENGTH = 10  # 36**10 ~ 2**51: collisions among a project's ids are not a practical concern


def new_id(prefix: str) -> str:
    """`prefix` + "_" + 10 random base-36 characters, e.g. new_id("clip") -> "clip_4k2x9q0a7m"."""
    n = secrets.randbits(52)
    chars = []
    for _ in range(_LENGTH):
        n, r = divmod(n, 36)
        chars.append(_ALPHABET[r])
    return f"{prefix}_" + "".join(chars)
