"""The README's and docs' code runs as written (tests/test_architecture.py checks the layering);
the tutorials print exactly what they show, and their example scripts hold the same code."""

import contextlib
import io
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TUTORIALS = sorted((ROOT / "docs" / "tutorials").glob("*.md"))
# A python block, and the text block right after it: what the block prints.
SHOWN = re.compile(r"```python\n(.*?)```(?:\n\n```text\n(.*?)```)?", flags=re.S)


def python_blocks(path):
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


# conventions.md shows on purpose the NaN (and NumPy's warning) that where() can produce.
@pytest.mark.filterwarnings("ignore:.*encountered in scalar:RuntimeWarning")
@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_python_examples_in_docs_run(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples may write files (checkpoints, pictures)
    namespace = {}
    for block in python_blocks(path):
        exec(compile(block, str(path), "exec"), namespace)  # noqa: S102 -- our own docs


@pytest.mark.parametrize("path", TUTORIALS, ids=[p.name for p in TUTORIALS])
def test_tutorials_print_exactly_the_output_they_show(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {}
    blocks = SHOWN.findall(path.read_text(encoding="utf-8"))
    # A tutorial may set NumPy's print options; the tests after it must not see them.
    with np.printoptions():
        for number, (code, shown) in enumerate(blocks, 1):
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(code, str(path), "exec"), namespace)  # noqa: S102 -- our own docs
            where = f"{path.name}, python block {number}"
            assert printed.getvalue().rstrip("\n") == shown.rstrip("\n"), where


@pytest.mark.parametrize("path", TUTORIALS, ids=[p.name for p in TUTORIALS])
def test_each_tutorial_has_an_example_script_with_its_code(path):
    text = path.read_text(encoding="utf-8")
    script = ROOT / re.search(r"`(examples/\w+\.py)`", text)[1]
    source = script.read_text(encoding="utf-8")
    docstring_end = source.index('"""', 3) + 3
    code = source[docstring_end:].strip("\n")
    assert code == "\n".join(python_blocks(path)).strip("\n"), (
        f"{script.name} no longer holds the code of {path.name}: copy the tutorial's blocks"
    )
