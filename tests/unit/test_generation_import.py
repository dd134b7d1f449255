"""The editor opens without torch: importing generation (and creating the local provider) stays torch-free."""
import subprocess
import sys

MODULES = ["ltx_editor.generation", "ltx_editor.generation.sidecar", "ltx_editor.generation.output",
           "ltx_editor.generation.queue", "ltx_editor.generation.enhance",
           "ltx_editor.generation.lora", "ltx_editor.generation.local.provider"]


def test_import_and_provider_creation_do_not_load_torch():
    code = (f"import sys, importlib\nfor m in {MODULES!r}: importlib.import_module(m)\n"
            "from ltx_editor.generation.factory import LTXVideoProviderFactory\n"
            "p = LTXVideoProviderFactory.create('local')\n"
            "bad = [m for m in ('torch', 'diffusers', 'transformers') if m in sys.modules]\n"
            "print(type(p).__name__, bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "LocalLTXProvider []"
