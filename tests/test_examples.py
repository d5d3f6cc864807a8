"""The example scripts run: the vanishing-gradients picture shows what it claims (the tutorial
scripts are run through their tutorials in tests/test_docs.py)."""

import importlib.util
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vanishing_gradients_shrink_towards_the_input_of_a_deep_sigmoid_network_only(
    tmp_path, capsys
):
    picture = tmp_path / "vanishing.png"
    runs = load("vanishing_gradients").main(picture, epochs=1)
    assert picture.read_bytes().startswith(b"\x89PNG")
    first_over_last = {}
    for name, (history, _) in runs.items():
        norms = [values[0] for key, values in history.records.items() if key.startswith("grad_")]
        assert len(norms) == 10
        first_over_last[name] = norms[0] / norms[-1]
    assert first_over_last["sigmoid"] < 1e-6 < first_over_last["ReLU"] < 1e-2
    assert first_over_last["ReLU, He init"] > 0.5
    assert capsys.readouterr().out.splitlines()[1].split() == [
        "network",
        "layer",
        "1",
        "layer",
        "10",
        "1",
        "÷",
        "10",
        "test",
        "accuracy",
    ]
