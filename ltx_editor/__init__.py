"""LTX Editor: a desktop video editor for LTX-Video / LTX-2 generations."""
__version__ = "0.1.0"
