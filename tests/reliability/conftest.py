"""Records every reliability test's outcome for tests/bench/reliability_report.py.

Tests that measure figures record them themselves (record.py). The two older ones that do not — the
crash-during-save test and the project file fuzzer — are credited with the cases their constants promise
when they pass, and with a crash (and, for the save test, lost data) when they fail.
"""
from __future__ import annotations

import pytest

from tests.reliability.record import record

# module: figures credited on a pass, figures charged on a failure
_UNRECORDED = {
    "test_crash_save": ("KILLS", {"crashes": 1, "data_lost": 1}),
    "test_project_fuzz": ("MIN_CASES", {"crashes": 1}),
}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" and not (report.when == "setup" and report.failed):
        return
    module = item.module.__name__.rsplit(".", 1)[-1]
    name = f"outcome-{module}-{item.name}".replace("/", "_")[:150]
    passed = report.passed
    figures: dict = {"outcome": "passed" if passed else ("skipped" if report.skipped else "failed"),
                     "module": module}
    if module in _UNRECORDED:
        constant, on_failure = _UNRECORDED[module]
        figures["cases"] = int(getattr(item.module, constant, 0))
        figures.update({k: (v if report.failed else 0) for k, v in on_failure.items()})
    record(name, **figures)
