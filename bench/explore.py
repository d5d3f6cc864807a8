"""The explorer's targets, measured: export of a 200-node explanation (<= 1 s, <= 2 MB), first
paint of the exported page in headless Chromium (<= 1 s), and the server's answer to a typed
formula (<= 200 ms).

    python bench/explore.py                 # prints a Markdown table of the figures
    python bench/explore.py --runs 20

Each figure is the median of --runs runs (the slowest is shown too). The browser figures need
Playwright and Chromium (``apt-get install chromium``); without them those rows say so.
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import json  # noqa: E402
import secrets  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402

import chainrule as cr  # noqa: E402
from chainrule.cli.server.endpoints import ExplorerServer  # noqa: E402
from chainrule.cli.server.worker import Worker  # noqa: E402
from tests.explore.chromium import chromium_path, launch  # noqa: E402

FORMULA = {"formula": "x**2 + 5*y + 10*z + x*y*z", "at": "x=2,y=4,z=8"}


def deep(x):
    # Three steps a round (sin, multiply, add): with the input, 202 nodes (counted below).
    for _ in range(67):
        x = cr.sin(x) * 0.9 + x
    return x


def seconds(action, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def export_figures(runs, folder):
    """(nodes, the page's path, explain's and the export's (median, slowest), the page's size)."""
    explaining = seconds(lambda: cr.explain(deep, 0.3, mode="both"), runs)
    explanation = cr.explain(deep, 0.3, mode="both")
    nodes = len(explanation.to_dict()["steps"])
    path = pathlib.Path(folder) / "deep.html"
    exporting = seconds(lambda: explanation.to_html(path), runs)
    return nodes, path, explaining, exporting, path.stat().st_size


def paint_figures(path, runs):
    """First contentful paint and the explorer drawn (the graph in the page), by Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "Playwright is not installed (pip install playwright)"
    executable = chromium_path()
    if executable is None:
        return "no Chromium (apt-get install chromium)"
    paints, drawn = [], []
    with sync_playwright() as playwright:
        browser = launch(playwright, executable)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-ready=true] .node")
            paints.append(page.evaluate(
                "performance.getEntriesByName('first-contentful-paint')[0].startTime") / 1000)
            drawn.append(page.evaluate(
                "performance.getEntriesByName('chainrule-ready')[0].startTime") / 1000)
            page.close()
        browser.close()
    return (statistics.median(paints), max(paints)), (statistics.median(drawn), max(drawn))


def server_figures(runs):
    worker = Worker(time_limit=30)
    server = ExplorerServer(0, secrets.token_urlsafe(16), worker, {"formula": "", "at": ""})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    body = json.dumps(FORMULA).encode()

    def ask():
        request = urllib.request.Request(f"http://127.0.0.1:{server.port}/api/explain", body)
        request.add_header("X-Chainrule-Token", server.token)
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
            response.read()

    try:
        ask()  # the computation process imports chainrule once, at its first request
        return seconds(ask, runs)
    finally:
        server.shutdown()
        server.server_close()
        worker.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per figure (default 10)")
    runs = parser.parse_args(argv).runs
    with tempfile.TemporaryDirectory() as folder:
        nodes, path, explaining, (median, slowest), size = export_figures(runs, folder)
        painted = paint_figures(path, runs)
    answered = server_figures(runs)
    print("| figure | median | slowest | target |\n|---|---:|---:|---|")
    print(f"| export of a {nodes}-node explanation (to_html) | {median:.3f} s | "
          f"{slowest:.3f} s | <= 1 s |")
    print(f"| its size | {size / 1e6:.3f} MB | | <= 2 MB |")
    print(f"| (for reference: explain() of it, both modes) | {explaining[0]:.3f} s | "
          f"{explaining[1]:.3f} s | |")
    if isinstance(painted, str):
        print(f"| first paint in headless Chromium | {painted} | | <= 1 s |")
    else:
        (paint, paint_max), (drawn, drawn_max) = painted
        print(f"| first paint in headless Chromium | {paint:.3f} s | {paint_max:.3f} s | <= 1 s |")
        print(f"| explorer script done, graph built | {drawn:.3f} s | {drawn_max:.3f} s | |")
    print(f"| server answers {FORMULA['formula']} | {answered[0] * 1000:.0f} ms | "
          f"{answered[1] * 1000:.0f} ms | <= 200 ms |")


if __name__ == "__main__":
    main()
