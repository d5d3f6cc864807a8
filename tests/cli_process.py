"""``chainrule`` run as a real process, as a user runs it: the tests of each command share it."""

import os
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent


def run_chainrule(*args, cwd=REPO, path=None):
    """``python -m chainrule *args`` with this working tree's chainrule, UTF-8 output, and
    ``PATH`` replaced when ``path`` is given (to hide a program such as Graphviz's dot)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "chainrule", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=60,
    )
