"""The example scripts run: the vanishing-gradients picture shows what it claims, and the Gaussian
process's hyperparameters are fitted (the tutorial scripts are run through their tutorials in
tests/test_docs.py)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr
from chainrule.flatten_util import ravel_pytree

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


def test_gp_hyperparameters_are_fitted_by_lbfgs_through_a_flat_vector_and_a_custom_rule(capsys):
    pytest.importorskip("scipy")
    gp = load("gp_hyperparameters")
    params, result = gp.main(n=25)
    x, y = gp.make_data(25)
    assert result.success
    assert result.fun < gp.negative_log_likelihood({name: 0.0 for name in params}, x, y)
    assert set(params) == {"log_lengthscale", "log_signal", "log_noise"}
    # at the optimum the gradient vanishes, and the custom rule gives what plain reverse mode
    # through the Cholesky factor and the solve gives
    flat, unravel = ravel_pytree(params)
    custom = cr.grad(lambda v: gp.negative_log_likelihood(unravel(v), x, y))(flat)
    plain = cr.grad(lambda v: gp._gaussian_nll(gp.covariance(unravel(v), x), y)[0])(flat)
    np.testing.assert_allclose(custom, plain, atol=1e-8)
    assert np.max(np.abs(custom)) < 1e-3
    assert 0.03 < np.exp(params["log_noise"]) < 0.3
    assert "L-BFGS-B:" in capsys.readouterr().out
