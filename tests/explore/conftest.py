"""Fixtures of the explorer's tests: one headless Chromium for all of them (Debian's
``chromium``, driven by Playwright for Python; nothing is downloaded), a fresh page at 1280×720
per test that fails the test on any script error, and one live ``chainrule explore`` server.

Where Playwright or Chromium is missing the browser tests skip and say which. Screenshots go
to the test's temporary folder, and also to ``$CHAINRULE_SCREENSHOTS`` when it is set (that is
how docs/images/explore-*.png are made: see docs/explore.md).
"""

import os
import secrets
import shutil
import threading

import pytest

from chainrule.cli.server.endpoints import ExplorerServer
from chainrule.cli.server.worker import Worker
from tests.explore.chromium import chromium_path, launch

VIEWPORT = {"width": 1280, "height": 720}


# Package scope: one browser for all of tests/explore, closed when they end, because
# Playwright's sync API keeps an asyncio loop running in this thread while it is open (and
# asyncio.run in later tests would refuse to start).
@pytest.fixture(scope="package")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed: pip install -e '.[test]'")
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium: apt-get install chromium (or set CHAINRULE_CHROMIUM)")
    with sync_playwright() as playwright:
        launched = launch(playwright, executable)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    opened = context.new_page()
    errors = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("console", lambda message: message.type == "error" and not refused(message.text)
              and errors.append(message.text))
    yield opened
    context.close()
    assert errors == [], f"the page's script failed: {errors}"


def refused(text):
    # Chromium logs each HTTP 400 the live server sends for bad input, which a test asks for.
    return text.endswith("the server responded with a status of 400 (Bad Request)")


@pytest.fixture
def screenshot(page, tmp_path):
    """``screenshot(name)`` saves the page as it is now, at 1280×720."""

    def save(name):
        path = tmp_path / f"explore-{name}.png"
        page.screenshot(path=str(path))
        wanted = os.environ.get("CHAINRULE_SCREENSHOTS")
        if wanted:
            shutil.copyfile(path, os.path.join(wanted, path.name))
        return path

    return save


@pytest.fixture(scope="package")
def live_server():
    worker = Worker(time_limit=20)
    server = ExplorerServer(0, secrets.token_urlsafe(16), worker, {"formula": "", "at": ""})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    worker.close()
