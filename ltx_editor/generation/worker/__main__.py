"""`python -m ltx_editor.generation.worker`: the same as `ltx-editor worker` (how the editor starts its child)."""
import sys

from .process import main

sys.exit(main())
