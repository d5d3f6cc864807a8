"""custom_vjp and custom_jvp: the user's rule is the derivative, in every transform, at every
order, under jit and in explanations; the other mode comes from transposing the rule; and a
wrong rule is named by gradcheck."""

import re
from collections import namedtuple

import numpy as np
import pytest

import chainrule as cr
from chainrule.testing import GradcheckError

X = np.array([0.3, -1.2, 2.0])
Y = np.array([1.5, 0.5, -0.7])


def sin_times_vjp():
    """sin(x)·y with its VJP given; fwd keeps cos(x) as a residual (calls are counted)."""
    calls = {"fun": 0, "fwd": 0, "bwd": 0}

    @cr.custom_vjp
    def sin_times(x, y):
        calls["fun"] += 1
        return cr.sin(x) * y

    def fwd(x, y):
        calls["fwd"] += 1
        return cr.sin(x) * y, (cr.sin(x), cr.cos(x), y)

    def bwd(residuals, grad_out):
        calls["bwd"] += 1
        sin_x, cos_x, y = residuals
        return grad_out * cos_x * y, grad_out * sin_x

    sin_times.defvjp(fwd, bwd)
    return sin_times, calls


def sin_times_jvp():
    calls = {"jvp": 0}

    @cr.custom_jvp
    def sin_times(x, y):
        return cr.sin(x) * y

    @sin_times.defjvp
    def rule(primals, tangents):
        calls["jvp"] += 1
        (x, y), (x_dot, y_dot) = primals, tangents
        return sin_times(x, y), cr.cos(x) * y * x_dot + cr.sin(x) * y_dot

    return sin_times, calls


@pytest.fixture(params=["vjp", "jvp"])
def custom(request):
    return (sin_times_vjp if request.param == "vjp" else sin_times_jvp)()[0]


def test_custom_functions_pass_gradcheck_in_both_modes_to_second_order(custom):
    assert cr.gradcheck(custom, X, Y)


def test_custom_functions_give_closed_form_gradients_jacobians_and_hessians(custom):
    grad_x, grad_y = cr.grad(lambda x, y: cr.sum(custom(x, y)), argnums=(0, 1))(X, Y)
    np.testing.assert_allclose(grad_x, np.cos(X) * Y)
    np.testing.assert_allclose(grad_y, np.sin(X))
    for jacobian in (cr.jacrev, cr.jacfwd):
        np.testing.assert_allclose(jacobian(custom)(X, Y), np.diag(np.cos(X) * Y))
    hessian = cr.hessian(lambda x: cr.sum(custom(x, Y)))(X)
    np.testing.assert_allclose(hessian, np.diag(-np.sin(X) * Y))
    third = cr.grad(cr.grad(cr.grad(lambda x: custom(x, 2.0))))(0.4)
    np.testing.assert_allclose(third, -2 * np.cos(0.4))


def test_custom_functions_work_with_backward_and_create_graph(custom):
    x = cr.tensor(X, requires_grad=True)
    cr.sum(custom(x, Y)).backward(create_graph=True)
    first, x.grad = x.grad, None
    np.testing.assert_allclose(first.numpy(), np.cos(X) * Y)
    cr.sum(first).backward()
    np.testing.assert_allclose(x.grad.numpy(), -np.sin(X) * Y)


def test_custom_functions_nest_under_jit_at_second_order(custom):
    hessian = cr.jit(cr.hessian(lambda x: cr.sum(custom(x, Y))))
    hessian(X)
    np.testing.assert_allclose(hessian(X + 1), np.diag(-np.sin(X + 1) * Y))  # replayed
    grad_of_tangent = cr.jit(cr.grad(lambda x: cr.sum(cr.jvp(lambda x: custom(x, Y), (x,),
                                                              (np.ones(3),))[1])))
    grad_of_tangent(X)
    np.testing.assert_allclose(grad_of_tangent(X + 1), -np.sin(X + 1) * Y)


def test_custom_functions_called_on_arrays_run_the_plain_function(custom):
    out = custom(X, Y)
    assert type(out) is np.ndarray
    np.testing.assert_array_equal(out, np.sin(X) * Y)


def test_the_users_vjp_rule_is_the_derivative_even_where_it_differs_from_the_function():
    @cr.custom_vjp
    def clip_gradient(x):
        return x

    clip_gradient.defvjp(lambda x: (x, None), lambda _, grad_out: (cr.clip(grad_out, -1, 1),))
    grad = cr.grad(lambda x: cr.sum(5 * clip_gradient(x)))(X)
    np.testing.assert_array_equal(grad, [1.0, 1.0, 1.0])


def test_the_users_jvp_rule_gives_a_stable_derivative_where_the_plain_one_is_nan():
    @cr.custom_jvp
    def log1pexp(x):
        return cr.log(1 + cr.exp(x))

    @log1pexp.defjvp
    def log1pexp_jvp(primals, tangents):
        (x,), (x_dot,) = primals, tangents
        return log1pexp(x), x_dot * (1 - 1 / (1 + cr.exp(x)))

    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(cr.grad(lambda x: cr.log(1 + cr.exp(x)))(1000.0))  # inf / inf
        assert float(cr.grad(log1pexp)(1000.0)) == 1.0
        assert float(cr.jvp(log1pexp, (1000.0,), (1.0,))[1]) == 1.0


def test_custom_vjp_runs_fwd_once_and_bwd_once_per_backward_pass():
    sin_times, calls = sin_times_vjp()
    cr.grad(lambda x, y: cr.sum(sin_times(x, y)), argnums=(0, 1))(X, Y)
    assert calls == {"fun": 0, "fwd": 1, "bwd": 1}


def test_custom_jvp_runs_its_rule_once_per_backward_pass_and_once_per_input_forward():
    sin_times, calls = sin_times_jvp()
    cr.grad(lambda x, y: cr.sum(sin_times(x, y)), argnums=(0, 1))(X, Y)
    assert calls["jvp"] == 1
    calls["jvp"] = 0
    cr.jvp(sin_times, (X, Y), (np.ones(3), np.ones(3)))
    assert calls["jvp"] == 2


def test_forward_mode_of_custom_vjp_transposes_the_bwd_rule():
    sin_times, _ = sin_times_vjp()
    x_dot, y_dot = np.array([1.0, 2.0, -1.0]), np.array([0.5, 0.0, 3.0])
    out, out_dot = cr.jvp(sin_times, (X, Y), (x_dot, y_dot))
    np.testing.assert_allclose(out, np.sin(X) * Y)
    np.testing.assert_allclose(out_dot, np.cos(X) * Y * x_dot + np.sin(X) * y_dot)


def test_custom_functions_take_trees_keywords_and_nondiff_arguments():
    Params = namedtuple("Params", "scale shift")

    def affine(params, x, power):
        return params.scale * x ** power + params.shift

    def fwd(params, x, power):
        return affine(params, x, power), (params, x)

    def bwd(power, residuals, grad_out):
        params, x = residuals
        d_dx = params.scale * power * x ** (power - 1)
        return Params(cr.sum(grad_out * x ** power), cr.sum(grad_out)), grad_out * d_dx

    affine = cr.custom_vjp(affine, nondiff_argnums=(2,))
    affine.defvjp(fwd, bwd)
    params = Params(2.0, 0.5)
    grads = cr.grad(lambda p, x: cr.sum(affine(p, x, power=3)), argnums=(0, 1))(params, X)
    assert isinstance(grads[0], Params)
    np.testing.assert_allclose(grads[0].scale, np.sum(X ** 3))
    np.testing.assert_allclose(grads[0].shift, 3.0)
    np.testing.assert_allclose(grads[1], 6 * X ** 2)
    assert cr.gradcheck(lambda s, x: affine(Params(s, 0.5), x, 3), 2.0, X)


def test_custom_jvp_takes_nondiff_arguments_first_in_its_rule():
    def power(x, n):
        return x ** n

    power = cr.custom_jvp(power, nondiff_argnums=(1,))

    @power.defjvp
    def power_jvp(n, primals, tangents):
        (x,), (x_dot,) = primals, tangents
        return power(x, n), n * x ** (n - 1) * x_dot

    np.testing.assert_allclose(cr.grad(lambda x: cr.sum(power(x, 3)))(X), 3 * X ** 2)
    assert cr.gradcheck(lambda x: power(x, 3), X)


def test_custom_functions_replay_under_jit_as_one_step_and_give_the_same_derivatives(custom):
    value = cr.jit(custom)
    assert "= sin_times(" in value.trace(X, Y).source
    np.testing.assert_array_equal(value(X + 1, Y), custom(X + 1, Y))
    step = cr.jit(cr.value_and_grad(lambda x, y: cr.sum(custom(x, y)), argnums=(0, 1)))
    step(X, Y)
    loss, (grad_x, grad_y) = step(X + 1, Y)  # replayed
    np.testing.assert_allclose(loss, np.sum(np.sin(X + 1) * Y))
    np.testing.assert_allclose(grad_x, np.cos(X + 1) * Y)
    np.testing.assert_allclose(grad_y, np.sin(X + 1))


def test_explain_shows_a_custom_function_as_one_step_with_the_formula_its_rule_writes():
    sin_times, _ = sin_times_vjp()
    text = str(cr.explain(lambda x: sin_times(x, 2.0), 0.5, mode="both"))
    assert re.search(r"v2 +sin_times\(v1, 2\) +0\.958851 +∂v2/∂v1 = 2\*cos\(v1\)\n", text)
    # forward mode transposes bwd, and writes the same formula
    assert re.search(r"v̇2 +∂v2/∂v1 · v̇1 +2\*cos\(v1\) = 1\.75517", text)
    assert "df/dx       reverse  1.75517" in text
    assert "df/dx       forward  1.75517" in text


def test_explain_of_custom_jvp_shows_its_rule_in_forward_mode_and_says_why_not_in_reverse():
    sin_times, _ = sin_times_jvp()
    text = str(cr.explain(lambda x: sin_times(x, 2.0), 0.5, mode="both"))
    assert re.search(r"v̇2 +∂v2/∂v1 · v̇1 +2\*cos\(v1\) = 1\.75517", text)
    words = " ".join(text.split())  # the text wraps its lines at 100 characters
    assert "formula terms cannot take; forward mode shows the rule's own formula" in words
    assert "df/dx       reverse  1.75517" in text


def test_gradcheck_names_a_custom_vjp_rule_that_disagrees_with_finite_differences():
    @cr.custom_vjp
    def wrong_sin(x):
        return cr.sin(x)

    wrong_sin.defvjp(lambda x: (cr.sin(x), x), lambda x, grad_out: (1.001 * grad_out * cr.cos(x),))
    with pytest.raises(GradcheckError, match=r"^the custom VJP rule of wrong_sin is wrong: "):
        cr.gradcheck(wrong_sin, X)
    with pytest.raises(GradcheckError, match=r"^the custom VJP rule of wrong_sin disagrees with "
                                             r"finite differences at the inputs model gave it"):
        def model(x):
            return cr.exp(wrong_sin(2 * x))

        cr.gradcheck(model, X)


def test_gradcheck_names_a_custom_jvp_rule_whose_second_derivative_is_wrong():
    @cr.custom_jvp
    def cube(x):
        return x ** 3

    @cube.defjvp
    def cube_jvp(primals, tangents):  # right at first order only: 3·x·|x| is not 3x²'s slope
        (x,), (x_dot,) = primals, tangents
        return cube(x), 3 * x * cr.abs(x) * x_dot

    with pytest.raises(GradcheckError, match="the custom JVP rule of cube is wrong"):
        cr.gradcheck(cube, np.array([-0.5, 0.7]))


def test_gradcheck_blames_no_custom_rule_when_they_are_right():
    sin_times, _ = sin_times_vjp()
    with pytest.raises(GradcheckError) as error:
        cr.gradcheck(lambda x: sin_times(x, Y) + cr.floor(x * 1e6) / 1e6, X)
    assert "custom" not in str(error.value)


def test_a_custom_function_without_its_rule_says_how_to_give_one():
    @cr.custom_vjp
    def f(x):
        return x

    with pytest.raises(TypeError, match=r"call f\.defvjp\(fwd, bwd\) before"):
        f(cr.tensor(1.0))
    g = cr.custom_jvp(lambda x: x)
    with pytest.raises(TypeError, match=r"defjvp\(jvp\)"):
        g(1.0)


def test_rules_that_return_the_wrong_shape_of_result_are_named():
    @cr.custom_vjp
    def f(x, y):
        return x * y

    f.defvjp(lambda x, y: (x * y, (x, y)), lambda res, grad_out: grad_out * res[1])
    with pytest.raises(TypeError, match=r"custom VJP rule of f must return a tuple of 2"):
        cr.grad(f)(1.0, 2.0)
    f.defvjp(lambda x, y: x * y, lambda res, grad_out: (grad_out, grad_out))
    with pytest.raises(TypeError, match=r"fwd of f must return \(out, residuals\)"):
        cr.grad(f)(1.0, 2.0)
    f.defvjp(lambda x, y: (x * y, None), lambda res, grad_out: ((grad_out,), None))
    with pytest.raises(TypeError, match=r"f's bwd\[0\] is shaped \(\*,\), but argument 0 is \*"):
        cr.grad(f)(1.0, 2.0)
    h = cr.custom_jvp(lambda x: (x, x))
    h.defjvp(lambda primals, tangents: (primals, tangents))
    with pytest.raises(TypeError, match="must return one array"):
        h(cr.tensor(1.0))


def test_a_none_cotangent_is_a_zero_gradient():
    @cr.custom_vjp
    def first(x, y):
        return x + 0 * y

    first.defvjp(lambda x, y: (x + 0 * y, None), lambda _, grad_out: (grad_out, None))
    assert cr.grad(lambda x, y: first(x, y), argnums=(0, 1))(1.0, 2.0) == (1.0, 0.0)


def test_float32_values_stay_float32(custom):
    x, y = X.astype(np.float32), Y.astype(np.float32)
    assert custom(cr.tensor(x), y).dtype == np.float32
    assert cr.grad(lambda x: cr.sum(custom(x, y)))(x).dtype == np.float32


def test_residuals_of_an_earlier_call_are_recomputed_by_fwd():
    sin_times, calls = sin_times_vjp()
    grad = cr.grad(lambda x: cr.sum(sin_times(x, Y) + sin_times(2 * x, Y)))(X)
    np.testing.assert_allclose(grad, np.cos(X) * Y + 2 * np.cos(2 * X) * Y)
    assert calls["fwd"] == 3  # two calls, and the first one's residuals again


def test_integer_arguments_are_held_fixed_and_keywords_bound_to_their_place():
    @cr.custom_vjp
    def pick(x, index):
        return 2 * x[index]

    def pick_bwd(residuals, grad_out):
        x, index = residuals
        return 2 * grad_out @ np.eye(len(x))[index], None  # the scatter as a product

    pick.defvjp(lambda x, index: (pick(x, index), (x, index)), pick_bwd)
    index = np.array([1, 3, 1])
    grad = cr.grad(lambda x: cr.sum(pick(index=index, x=x)))(np.arange(4.0))
    np.testing.assert_array_equal(grad, [0.0, 4.0, 0.0, 2.0])
    np.testing.assert_array_equal(cr.jacfwd(lambda x: pick(x, index))(np.arange(4.0)),
                                  2 * np.eye(4)[index])


def test_forward_mode_of_custom_vjp_says_that_bwd_must_be_written_in_chainrule_ops():
    @cr.custom_vjp
    def double(x):
        return 2 * x

    def double_bwd(_, grad_out):
        return (2 * np.asarray(grad_out),)  # leaves chainrule: no sweep goes through it

    double.defvjp(lambda x: (double(x), None), double_bwd)
    np.testing.assert_array_equal(cr.grad(lambda x: cr.sum(double(x)))(X), [2.0, 2.0, 2.0])
    with pytest.raises(TypeError, match=r"^for forward mode, the bwd of double is transposed by "
                                        r"a reverse sweep through it, so it must be written in "
                                        r"chainrule ops"):
        cr.jvp(double, (X,), (X,))
