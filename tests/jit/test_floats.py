"""0-d float64 values replayed as Python floats: the same doubles as eager NumPy, special
values and overflow included; everything else stays a NumPy call."""

import math
import operator
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.jit.floats import float_form

SPECIALS = [0.0, -0.0, 1.5, -2.25, 1e-310, -1e-310, 1e200, -1e200, math.inf, -math.inf, math.nan]


def scalar_graph(xs, ws, bs):
    total = 0
    for x, w, b in zip(xs, ws, bs):
        t = x * w - b
        total = total + cr.relu(t) ** 2 + (t > 0.5) * t + (-t) * 3
    return total


def same_doubles(found, expected):
    """Equal as IEEE doubles: NaN equals NaN, and 0.0 differs from -0.0."""
    found, expected = float(found), float(expected)
    if math.isnan(expected):
        return math.isnan(found)
    return found == expected and math.copysign(1, found) == math.copysign(1, expected)


def flat(tree):
    if isinstance(tree, (tuple, list)):
        return [leaf for child in tree for leaf in flat(child)]
    return [tree]


def test_a_scalar_graph_runs_on_python_operators_and_gives_numpy_scalars():
    step = cr.jit(cr.value_and_grad(scalar_graph, argnums=(0, 1, 2)))
    args = [[np.float64(v)] for v in (1.5, -2.0, 0.25)]
    source = step.trace(*args).source
    assert " * " in source and "float(" in source
    assert "multiply(" not in source and "relu(" not in source
    results = flat(step(*args))
    assert all(type(value) is np.float64 for value in results)


@pytest.mark.parametrize("x", SPECIALS)
@pytest.mark.parametrize("w", [0.0, -0.0, 3.0, -1e200, math.nan])
def test_replayed_floats_are_the_doubles_eager_numpy_gives(x, w):
    value_and_grad = cr.value_and_grad(scalar_graph, argnums=(0, 1, 2))
    step = cr.jit(value_and_grad)
    step([np.float64(1.0)], [np.float64(2.0)], [np.float64(0.5)])  # the trace, at another point
    args = [np.float64(x)], [np.float64(w)], [np.float64(-0.0)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy warns on inf - inf; Python not
        expected = flat(value_and_grad(*args))
        found = flat(step(*args))
    assert all(same_doubles(a, b) for a, b in zip(found, expected)), (found, expected)


def test_a_power_that_overflows_in_python_replays_as_numpy_and_gives_inf():
    step = cr.jit(cr.value_and_grad(lambda x: x**2 + x**3))
    step(np.float64(2.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value, grad = step(np.float64(1e200))  # 1e200 ** 2 raises OverflowError in Python
        eager = cr.value_and_grad(lambda x: x**2 + x**3)(np.float64(1e200))
    assert value == eager[0] == math.inf and grad == eager[1] == math.inf
    assert type(value) is np.float64


@pytest.mark.parametrize("f", [lambda x: x**-1, lambda x: 1.0 / x])
def test_a_division_by_zero_replays_as_numpy_and_gives_inf(f):
    step = cr.jit(f)
    step(np.float64(2.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert step(np.float64(0.0)) == f(np.float64(0.0)) == math.inf


def test_transcendental_functions_and_float32_scalars_stay_numpy_calls():
    step = cr.jit(lambda x, y: cr.sin(x) * 2.0 + y * y)
    source = step.trace(np.float64(0.5), np.float32(1.5)).source
    assert "sin(" in source and "float(" not in source
    assert step(np.float64(0.7), np.float32(1.5)) == np.sin(np.float64(0.7)) * 2.0 + np.float32(
        1.5) * np.float32(1.5)


def test_a_float_read_by_a_numpy_call_is_the_float64_scalar_the_trace_saw():
    # A Python float next to a float32 array would keep it float32 (NumPy's weak scalars); the
    # trace saw a float64 scalar, which makes the product float64.
    step = cr.jit(lambda x, v: (x * 2.0) * v)
    x, v = np.float64(1.1), np.arange(3, dtype=np.float32)
    out = step(x, v)
    assert out.dtype == (x * 2.0 * v).dtype == np.float64
    assert np.array_equal(out, x * 2.0 * v)


def test_a_program_that_draws_has_no_float_step_that_could_raise():
    # A NumPy rerun after Python raised would draw a second mask.
    drop = cr.nn.Dropout(0.5, generator=np.random.default_rng(0))
    step = cr.jit(lambda x, v: drop(v) * (x**2 + x * 3.0))
    source = step.trace(np.float64(2.0), np.ones(4)).source
    assert "** 2" not in source and " * " in source


def test_float_forms_refuse_a_fractional_power_and_arithmetic_on_booleans_only():
    float_slot, bool_slot = (True, np.float64), (True, np.bool_)
    assert float_form(operator.pow, {}, np.float64, [float_slot, (False, 2)]) == "{0} ** {1}"
    assert float_form(operator.pow, {}, np.float64, [float_slot, (False, 0.5)]) is None
    assert float_form(operator.add, {}, np.bool_, [bool_slot, bool_slot]) is None
    assert float_form(operator.truediv, {}, np.float64, [float_slot, bool_slot]) == "{0} / {1}"


ONE_STEP = {
    "relu": lambda x, y: cr.relu(x),
    "negative": lambda x, y: -x,
    "add": lambda x, y: x + y,
    "subtract": lambda x, y: x - y,
    "multiply": lambda x, y: x * y,
    "divide": lambda x, y: x / y,
    "square": lambda x, y: x**2,
    "comparisons": lambda x, y: (x > y) * 1.0 + (x <= y) * 2.0 + (x == y) * 4.0 + (x != y) * 8.0,
}


@pytest.mark.parametrize("name", ONE_STEP)
def test_each_float_step_gives_numpys_double_at_special_values(name):
    f = ONE_STEP[name]
    step = cr.jit(f)
    step(np.float64(1.0), np.float64(3.0))
    for x in SPECIALS:
        for y in SPECIALS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                expected = f(cr.tensor(np.float64(x)), cr.tensor(np.float64(y))).numpy()
                found = step(np.float64(x), np.float64(y))
            assert type(found) is np.float64 and same_doubles(found, expected), (x, y)
