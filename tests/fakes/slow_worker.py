"""An instrumented `ltx-editor worker` for fault tests and benches: the real child, with slowed stages.

    python -m tests.fakes.slow_worker [--step-delay S] [--decode-delay S] [--encode-delay S]

--step-delay sleeps inside every denoising step (a slow GPU), before the step reports and looks at cancel;
--decode-delay sleeps before the VAE decodes (a long decode that cannot be interrupted);
--encode-delay sleeps inside the T5 text encoder (a long prompt encoding on the CPU).
"""
from __future__ import annotations

import argparse
import sys
import time


def _slow_down(cls: type, method: str, delay: float) -> None:
    """Make `cls.method` sleep `delay` seconds before it runs (a slow stage the child cannot interrupt)."""
    original = getattr(cls, method)

    def slowed(self, *a, **kw):
        time.sleep(delay)
        return original(self, *a, **kw)

    setattr(cls, method, slowed)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step-delay", type=float, default=0.0)
    parser.add_argument("--decode-delay", type=float, default=0.0)
    parser.add_argument("--encode-delay", type=float, default=0.0)
    args = parser.parse_args()
    if args.step_delay:
        from ltx_editor.generation.local import runner

        _slow_down(runner.StepReporter, "__call__", args.step_delay)
    if args.decode_delay:
        from diffusers import AutoencoderKLLTXVideo

        _slow_down(AutoencoderKLLTXVideo, "decode", args.decode_delay)
    if args.encode_delay:
        from transformers import T5EncoderModel

        _slow_down(T5EncoderModel, "forward", args.encode_delay)
    from ltx_editor.generation.worker.process import main as worker

    return worker([])


if __name__ == "__main__":
    sys.exit(main())
