"""Malformed recipes (sidecars), generated from one the product wrote: every one is refused with a message
naming the broken field, or still replays validly; never a traceback. Figures go to the reliability table."""
from __future__ import annotations

import random

from tests.reliability.record import record
from tests.unit.test_recipe_schema import _malformed_case

CASES = 200
JUNK = [None, True, False, 0, -1, 2**70, -(2**70), 1.5, float("inf"), float("-inf"), "", "abc", "\x1b[31m",
        [], [1, 2], {}, {"x": 1}]


def test_generated_malformed_recipes(tmp_path):
    rng = random.Random(16_5)
    refused = crashes = 0
    problems: list[str] = []
    for _ in range(CASES):
        try:
            refused += _malformed_case(tmp_path, rng.choice, rng.choice(JUNK), rng.random() < 0.3)
        except Exception as exc:  # noqa: BLE001 - anything but a clean refusal is counted and shown
            crashes += 1
            problems.append(f"{type(exc).__name__}: {exc}"[:200])
    record("bad_recipes", cases=CASES, crashes=crashes,
           note=f"{CASES} generated malformed recipes: {refused} refused by field, {CASES - refused - crashes} "
                f"still valid replays, {crashes} crashes")
    assert crashes == 0, problems[:5]
    assert refused >= 20
