"""Where the system's Chromium is, and how to launch it: shared by the browser tests and
bench/explore.py. Nothing is downloaded: Debian's ``chromium`` package, or $CHAINRULE_CHROMIUM.
"""

import os
import shutil

NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
# --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start; a small /dev/shm
# (containers) would crash it without --disable-dev-shm-usage.
ARGS = ["--no-sandbox", "--disable-dev-shm-usage"]


def chromium_path():
    """The Chromium executable to launch, or None."""
    given = os.environ.get("CHAINRULE_CHROMIUM")
    if given:
        return given if os.path.exists(given) else None
    return next(filter(None, map(shutil.which, NAMES)), None)


def launch(playwright, executable):
    return playwright.chromium.launch(executable_path=executable, args=ARGS)
