"""Test-wide isolation: offscreen Qt, no hub access, and private config/cache/keychain folders.

Set before anything imports Qt, huggingface_hub or keyring, so no test can touch a person's real
settings, model cache or keychain.
"""
import os
import tempfile

_SANDBOX = tempfile.mkdtemp(prefix="ltx-editor-tests-")
for _var, _sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"),
                   ("HF_HOME", "hf")):
    os.environ[_var] = os.path.join(_SANDBOX, _sub)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
# The fail backend behaves like a machine without a keychain; tests that need a keychain install their own.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
for _key in ("FAL_KEY", "REPLICATE_API_TOKEN"):
    os.environ.pop(_key, None)

import pytest  # noqa: E402  (after the environment above, which must come first)


@pytest.fixture(autouse=True)
def _no_api_keys_between_tests():
    """Each test starts without cloud keys: none typed in the session, no saved key file.

    The sandbox folders are shared by the whole run, so a key one test saved would otherwise make
    "no key" tests that run later see a ready cloud backend.
    """
    from ltx_editor.generation import secrets

    def clear():
        secrets.forget_session_keys()
        secrets.key_file_path().unlink(missing_ok=True)

    clear()
    yield
    clear()
