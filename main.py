"""`python main.py [PROJECT]`: the same as `ltx-editor [PROJECT]` (and its headless commands)."""
import sys

from ltx_editor.cli import main

if __name__ == "__main__":
    sys.exit(main())
