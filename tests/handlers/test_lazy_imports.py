from __future__ import annotations

import subprocess
import sys


def test_importing_handlers_loads_neither_framework() -> None:
    code = "import sys, handlers; print('aiogram' in sys.modules, 'telegram' in sys.modules)"

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout

    assert out.split() == ["False", "False"]
