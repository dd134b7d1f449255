"""Local generation in its own process: the editor talks to a `ltx-editor worker` child over a typed protocol.

The child owns torch, diffusers and the loaded model; the editor process never imports them. A crash in the
child fails only its job, cancel can always end in a kill, and unloading a model means the child exits.
"""
