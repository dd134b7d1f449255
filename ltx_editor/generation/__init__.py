"""Generation requests, providers (local diffusers, fal, replicate) and the job queue. No Qt.

Importing this package must not import torch: the local provider imports it lazily on first use.
"""
