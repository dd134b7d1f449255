"""The generation worker yields the CPU to the editor: it runs at a lower priority in a process group of its own (every
thread of it, torch's included), and torch leaves a core free. Checked on the real child running a real tiny job."""
import asyncio
import os
import shutil
import sys
from pathlib import Path

import pytest

from ltx_editor.core.low_priority import NICENESS
from ltx_editor.generation.request import CancelToken
from ltx_editor.generation.worker.client import WorkerLTXProvider
from ltx_editor.generation.worker.supervisor import WorkerProcess, cpu_threads_env
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.processes import own_group, thread_niceness

posix_nice = pytest.mark.skipif(sys.platform == "win32" or shutil.which("nice") is None,
                                reason="priority by `nice` needs a POSIX system with the nice program")
LOWER = min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICENESS) if hasattr(os, "getpriority") else None
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

# The real worker, instrumented to write down how many CPU threads torch uses once the job has loaded it.
REPORTING_WORKER = '''
import sys
from ltx_editor.generation.local.provider import LocalLTXProvider

real_engine = LocalLTXProvider._get_engine

def engine(self):
    loaded = real_engine(self)
    import torch
    with open(sys.argv[1], "w") as out:
        out.write(str(torch.get_num_threads()))
    return loaded

LocalLTXProvider._get_engine = engine
from ltx_editor.generation.worker.process import main
sys.exit(main([]))
'''


@posix_nice
def test_the_child_starts_below_the_editor_with_a_core_left(tmp_path, monkeypatch):
    """A stand-in child that writes down what it sees, then says ready."""
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    seen = tmp_path / "seen.txt"
    child = ("import json, os, sys; open(sys.argv[1], 'w').write(os.environ.get('OMP_NUM_THREADS', 'unset') + ' ' + "
             "str(os.getpriority(os.PRIO_PROCESS, 0))); sys.stdin.readline(); "
             "print(json.dumps({'type': 'ready', 'pid': os.getpid()}), flush=True); sys.stdin.read()")
    niceness = []

    async def start_and_stop():
        worker = WorkerProcess([sys.executable, "-c", child, str(seen)])
        await worker.start({}, timeout_s=30)
        # the pid we supervise is the program's; it leads a process group of its own in the editor's session
        niceness.append((os.getpriority(os.PRIO_PROCESS, worker.pid), own_group(worker.pid)))
        await worker.kill()

    asyncio.run(start_and_stop())
    assert niceness == [(LOWER, True)]
    assert seen.read_text() == f"{max(1, CORES - 1)} {LOWER}"


def test_a_thread_count_the_person_set_is_kept(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "7")
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    assert cpu_threads_env() == {"MKL_NUM_THREADS": str(max(1, CORES - 1))}


@posix_nice
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads each thread's nice value from Linux /proc")
def test_every_thread_of_a_working_child_runs_below_the_editor_and_torch_leaves_a_core(tiny_ltx_dir, tmp_path,
                                                                                        monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    threads_file = tmp_path / "torch_threads.txt"
    out = tmp_path / "out"
    out.mkdir()
    provider = WorkerLTXProvider(command=[sys.executable, "-c", REPORTING_WORKER, str(threads_file)],
                                 max_sequence_length=16)
    loop = asyncio.new_event_loop()
    try:
        result = loop.run_until_complete(provider.generate(tiny_request(tiny_ltx_dir), out, lambda e: None,
                                                           CancelToken()))
        assert result.video_path.is_file()
        niceness = thread_niceness(provider.worker_pid)  # after a job: torch's threads and the executor's exist
        assert len(niceness) > 2 and set(niceness.values()) == {LOWER}, niceness
        assert threads_file.read_text() == str(max(1, CORES - 1))
    finally:
        loop.run_until_complete(provider.close())
        loop.close()
