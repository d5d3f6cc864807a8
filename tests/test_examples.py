"""The example scripts run: the vanishing-gradients picture shows what it claims, the Gaussian
process's hyperparameters are fitted, a neural ODE learns a spiral (the tutorial scripts are run
through their tutorials in tests/test_docs.py)."""

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


def test_neural_ode_spiral_training_lowers_the_loss_over_the_whole_spiral(capsys):
    pytest.importorskip("scipy")
    spiral = load("neural_ode_spiral")
    params, final = spiral.main(iterations=12, points=40, hidden=8, report_every=4)
    t, y = spiral.make_spiral(40)
    assert final < spiral.spiral_loss(spiral.init_params(8), t, y)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("loss over the whole spiral before training")
    assert lines[-1].startswith("final loss over the whole spiral: ")


def test_negative_binomial_regression_is_fitted_by_lbfgs_through_nbinom_logpmf(capsys):
    pytest.importorskip("scipy")
    example = load("negative_binomial_mle")
    fitted, result = example.main(n=150)
    assert result.success
    x, y = example.make_data(150)
    start = {"intercept": float(np.log(y.mean() + 1)), "slope": 0.0, "log_dispersion": 0.0}
    assert result.fun < float(example.negative_log_likelihood(start, x, y)) - 5
    assert abs(fitted["slope"] - 0.8) < 0.4 and 0.5 < fitted["dispersion"] < 10
    # at the optimum the gradient (through nbinom's n and p) vanishes
    flat, unravel = ravel_pytree(start)
    gradient = cr.grad(lambda v: example.negative_log_likelihood(unravel(v), x, y))(result.x)
    assert np.abs(gradient).max() < 1e-3
    assert "(true 0.8)" in capsys.readouterr().out


def test_bbvi_logistic_regression_raises_the_elbo_and_finds_the_weights_signs(capsys):
    pytest.importorskip("scipy")
    example = load("bbvi_logistic_regression")
    mean, scale = example.main(n=80, steps=80)
    assert np.all(np.sign(mean[1:]) == np.sign(example.TRUE_WEIGHTS[1:]))
    assert np.all((scale > 0) & (scale < 1.5))
    steps = [float(line.split("≈")[1]) for line in capsys.readouterr().out.splitlines()
             if line.startswith("step")]
    assert steps[-1] > steps[0]


def test_bbvi_bayesian_neural_net_fits_the_sine_it_is_given(capsys):
    pytest.importorskip("scipy")
    rmse, spread = load("bbvi_bayesian_neural_net").main(n=30, steps=300)
    assert rmse < 0.5 and np.all(spread > 0)
    steps = [float(line.split("≈")[1]) for line in capsys.readouterr().out.splitlines()
             if line.startswith("step")]
    assert steps[-1] > steps[0] + 1000
