"""A tensor that carries a derivative never becomes a plain array silently: in forward mode as in
reverse mode, NumPy's conversions stop with one clear error (a silent zero tangent was the bug)."""

import numpy as np
import pytest

import chainrule as cr

CONVERSIONS = [
    pytest.param(lambda x: np.array([x, x * 1.0, x + 2.5]), id="np.array of a list"),
    pytest.param(lambda x: np.asarray(x) * 2, id="np.asarray"),
    pytest.param(lambda x: np.mean([x, 2 * x]), id="a list given to a NumPy function"),
]


@pytest.mark.parametrize("f", CONVERSIONS)
def test_forward_mode_refuses_a_conversion_instead_of_dropping_the_tangent(f):
    with pytest.raises(TypeError, match="carries a forward-mode tangent.*cr.stack"):
        cr.jvp(f, (3.0,), (1.0,))


def test_jacfwd_refuses_a_conversion_too():
    with pytest.raises(TypeError, match="forward-mode tangent"):
        cr.jacfwd(lambda x: np.array([x, x**2]))(3.0)


@pytest.mark.parametrize("f", CONVERSIONS)
def test_reverse_mode_refuses_the_same_conversions(f):
    with pytest.raises(TypeError, match="requires grad.*cr.stack"):
        cr.grad(lambda x: cr.sum(f(x)))(3.0)


def test_the_chainrule_spelling_differentiates_in_both_modes():
    def f(x):
        return cr.stack([x, x * 1.0, x + 2.5])

    np.testing.assert_array_equal(cr.jvp(f, (3.0,), (1.0,))[1], [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(cr.jacfwd(lambda x: cr.stack([x, x**2]))(3.0), [1.0, 6.0])
    np.testing.assert_array_equal(cr.jacrev(lambda x: cr.stack([x, x**2]))(3.0), [1.0, 6.0])


def test_a_value_kept_from_a_finished_jvp_converts_as_a_constant():
    kept = []

    def f(x):
        y = x * 2
        kept.append(y)
        return y

    cr.jvp(f, (3.0,), (1.0,))
    assert kept[0].tangents  # it still holds the finished level's tangent
    assert np.asarray(kept[0]) == 6.0


def test_mod_is_piecewise_linear_in_both_arguments_in_both_modes():
    # Found by a peer's suite: % was declared without derivative, so both partials were 0.
    expected = (1.0, -3.0)  # x mod y = x − ⌊x/y⌋·y at x = 2.5, y = 0.8, ⌊x/y⌋ = 3
    assert cr.grad(lambda x, y: x % y, argnums=(0, 1))(2.5, 0.8) == expected
    assert cr.grad(lambda x, y: np.remainder(x, y), argnums=(0, 1))(2.5, 0.8) == expected
    rows = [cr.jvp(lambda x, y: x % y, (2.5, 0.8), seed)[1] for seed in ((1.0, 0.0), (0.0, 1.0))]
    assert tuple(rows) == expected
    assert cr.grad(lambda y: 2.5 % y)(0.8) == -3.0
    assert cr.hessian(lambda x: x % 0.8)(2.5) == 0.0  # linear on each piece
    # fmod truncates toward zero: trunc(−2.5/0.8) = −3.
    assert cr.grad(lambda x, y: np.fmod(x, y), argnums=(0, 1))(-2.5, 0.8) == (1.0, 3.0)
