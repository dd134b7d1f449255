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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step-delay", type=float, default=0.0)
    parser.add_argument("--decode-delay", type=float, default=0.0)
    parser.add_argument("--encode-delay", type=float, default=0.0)
    args = parser.parse_args()
    if args.step_delay:
        from ltx_editor.generation.local import runner

        step = runner.StepReporter.__call__

        def slow_step(self, *a, **kw):
            time.sleep(args.step_delay)
            return step(self, *a, **kw)

        runner.StepReporter.__call__ = slow_step
    if args.decode_delay:
        from diffusers import AutoencoderKLLTXVideo

        decode = AutoencoderKLLTXVideo.decode

        def slow_decode(self, *a, **kw):
            time.sleep(args.decode_delay)
            return decode(self, *a, **kw)

        AutoencoderKLLTXVideo.decode = slow_decode
    if args.encode_delay:
        from transformers import T5EncoderModel

        encode = T5EncoderModel.forward

        def slow_encode(self, *a, **kw):
            time.sleep(args.encode_delay)
            return encode(self, *a, **kw)

        T5EncoderModel.forward = slow_encode
    from ltx_editor.generation.worker.process import main as worker

    return worker([])


if __name__ == "__main__":
    sys.exit(main())
