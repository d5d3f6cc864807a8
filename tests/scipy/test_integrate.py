"""chainrule.scipy.integrate: SciPy's values; derivatives in y0, t and args by the adjoint method
(reverse) and the sensitivity equations (forward), checked against closed forms (y′ = Ay),
against differentiating through a fixed-step RK4 written in chainrule ops, and against finite
differences, to second order."""

import numpy as np
import pytest

import chainrule as cr

scipy_integrate = pytest.importorskip("scipy.integrate")
expm = pytest.importorskip("scipy.linalg").expm

from chainrule.scipy.integrate import odeint, solve_ivp  # noqa: E402

TIGHT = dict(rtol=1e-11, atol=1e-11)
A = np.array([[-0.5, 1.0], [-1.0, -0.3]])
Y0 = np.array([1.0, 0.5])
TIMES = np.array([0.0, 0.4, 1.1, 2.0])
WEIGHTS = np.random.default_rng(0).normal(size=(len(TIMES), 2))


def rk4(func, y0, t, args=(), steps=200):
    """The rows y(tᵢ) by classical Runge–Kutta, ``steps`` equal steps per interval, in chainrule
    ops: plain reverse and forward mode through it are the reference derivatives."""
    rows, y = [y0], y0
    for i in range(len(t) - 1):
        h = (t[i + 1] - t[i]) / steps
        for k in range(steps):
            s = t[i] + k * h
            k1 = func(y, s, *args)
            k2 = func(y + h / 2 * k1, s + h / 2, *args)
            k3 = func(y + h / 2 * k2, s + h / 2, *args)
            k4 = func(y + h * k3, s + h, *args)
            y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        rows.append(y)
    return cr.stack(rows)


def linear(y, t, matrix):
    return matrix @ y


def pendulum(y, t, params):
    """A damped, driven pendulum: nonlinear in y, explicit in t, parameters in a dict."""
    angle, speed = y[0], y[1]
    acceleration = (-params["g"] * cr.sin(angle) - params["damping"] * speed
                    + 0.3 * cr.cos(1.3 * t))
    return cr.stack([speed, acceleration])


def weighted(solve):
    return lambda y0, t, *args: cr.sum(WEIGHTS[: len(t)] * solve(y0, t, *args))


def finite_difference(f, x, eps=1e-6):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = eps
        grad[index] = (float(f(x + step)) - float(f(x - step))) / (2 * eps)
    return grad


# --- values -------------------------------------------------------------------------------

def test_values_are_scipys_odeint_exactly_and_float64():
    expected = scipy_integrate.odeint(linear, Y0, TIMES, args=(A,), **TIGHT)
    found = odeint(linear, cr.tensor(Y0), TIMES, args=(A,), **TIGHT)
    assert found.dtype == np.float64 and found.shape == (4, 2)
    np.testing.assert_array_equal(found.numpy(), expected)
    single = odeint(linear, cr.tensor(Y0.astype(np.float32)), TIMES, args=(A,))
    assert single.dtype == scipy_integrate.odeint(linear, Y0.astype(np.float32), TIMES,
                                                  args=(A,)).dtype


def test_without_tensors_it_is_scipys_call():
    expected = scipy_integrate.odeint(linear, Y0, TIMES, args=(A,), full_output=True)
    found = odeint(linear, Y0, TIMES, args=(A,), full_output=True)
    np.testing.assert_array_equal(found[0], expected[0])
    assert found[1]["nfe"][-1] == expected[1]["nfe"][-1]


@pytest.mark.parametrize("method", ["RK45", "DOP853", "Radau", "BDF", "LSODA"])
@pytest.mark.parametrize("t_eval", [None, [0.0, 0.7, 2.0], [0.5, 1.5]])
def test_solve_ivp_values_are_scipys_exactly(method, t_eval):
    def fun(t, y, matrix):
        return matrix @ y

    expected = scipy_integrate.solve_ivp(fun, (0.0, 2.0), Y0, method=method, t_eval=t_eval,
                                         args=(A,), rtol=1e-8)
    found = solve_ivp(fun, (0.0, 2.0), cr.tensor(Y0), method=method, t_eval=t_eval, args=(A,),
                      rtol=1e-8)
    np.testing.assert_array_equal(found.y.numpy(), expected.y)
    np.testing.assert_array_equal(np.asarray(found.t), expected.t)
    assert found.success and found.y.shape == expected.y.shape


# --- linear ODEs, closed forms: y(t) = expm((t − t₀)A) y0 -------------------------------------

def test_linear_ode_gradients_match_the_matrix_exponential():
    loss = weighted(lambda y0, t, matrix: odeint(linear, y0, t, args=(matrix,), **TIGHT))
    grad_y0, grad_t, grad_a = cr.grad(loss, argnums=(0, 1, 2))(Y0, TIMES, A)
    propagators = [expm((t - TIMES[0]) * A) for t in TIMES]
    np.testing.assert_allclose(grad_y0, sum(p.T @ w for p, w in zip(propagators, WEIGHTS)),
                               atol=1e-8)
    rates = [A @ p @ Y0 for p in propagators]
    expected_t = [w @ r for w, r in zip(WEIGHTS, rates)]
    expected_t[0] = -sum(expected_t[1:])  # moving t₀ shifts every later row the other way
    np.testing.assert_allclose(grad_t, expected_t, atol=1e-8)

    def closed_form(matrix):
        return np.sum(WEIGHTS * np.stack([expm((t - TIMES[0]) * matrix) @ Y0 for t in TIMES]))

    np.testing.assert_allclose(grad_a, finite_difference(closed_form, A), atol=1e-7)


def test_linear_ode_forward_mode_matches_the_matrix_exponential():
    y0_dot = np.array([0.3, -0.7])
    _, out_dot = cr.jvp(lambda y0: odeint(linear, y0, TIMES, args=(A,), **TIGHT), (Y0,),
                        (y0_dot,))
    expected = np.stack([expm((t - TIMES[0]) * A) @ y0_dot for t in TIMES])
    np.testing.assert_allclose(out_dot, expected, atol=1e-9)


# --- a nonlinear ODE: against a fixed-step RK4 in chainrule ops --------------------------------

PARAMS = {"g": 9.81, "damping": 0.4}
PENDULUM_Y0 = np.array([1.2, 0.0])
PENDULUM_TIMES = np.array([0.0, 0.6, 1.5])


def pendulum_losses():
    adjoint = weighted(lambda y0, t, p: odeint(pendulum, y0, t, args=(p,), **TIGHT))
    fixed = weighted(lambda y0, t, p: rk4(pendulum, y0, t, (p,), steps=400))
    return adjoint, fixed


def test_reverse_mode_matches_differentiating_through_rk4():
    adjoint, fixed = pendulum_losses()
    found = cr.grad(adjoint, argnums=(0, 1, 2))(PENDULUM_Y0, PENDULUM_TIMES, PARAMS)
    expected = cr.grad(fixed, argnums=(0, 1, 2))(PENDULUM_Y0, PENDULUM_TIMES, PARAMS)
    np.testing.assert_allclose(found[0], expected[0], rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(found[1], expected[1], rtol=1e-7, atol=1e-8)
    for name in PARAMS:
        np.testing.assert_allclose(found[2][name], expected[2][name], rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("argnum, tangent", [
    (0, np.array([0.2, -0.5])),
    (1, np.array([0.1, -0.2, 0.3])),
    (2, {"g": 0.5, "damping": -1.0}),
])
def test_forward_mode_matches_rk4_and_reverse_mode(argnum, tangent):
    adjoint, fixed = pendulum_losses()
    point = [PENDULUM_Y0, PENDULUM_TIMES, PARAMS]

    def at(loss):
        return lambda x: loss(*point[:argnum], x, *point[argnum + 1:])

    found = cr.jvp(at(adjoint), (point[argnum],), (tangent,))[1]
    expected = cr.jvp(at(fixed), (point[argnum],), (tangent,))[1]
    np.testing.assert_allclose(found, expected, rtol=1e-7)
    gradient = cr.grad(at(adjoint))(point[argnum])
    pairs = [(gradient[k], tangent[k]) for k in tangent] if isinstance(tangent, dict) else [
        (gradient, tangent)]
    np.testing.assert_allclose(found, sum(np.sum(g * d) for g, d in pairs), rtol=1e-8)


def test_gradients_match_finite_differences_of_scipys_odeint():
    def loss(y0, t, g):
        params = {"g": g, "damping": 0.4}
        return np.sum(WEIGHTS[:3] * scipy_integrate.odeint(pendulum, y0, t, args=(params,),
                                                           **TIGHT))

    adjoint, _ = pendulum_losses()
    found = cr.grad(lambda y0, t, g: adjoint(y0, t, {"g": g, "damping": 0.4}),
                    argnums=(0, 1, 2))(PENDULUM_Y0, PENDULUM_TIMES, 9.81)
    point = (PENDULUM_Y0, PENDULUM_TIMES, 9.81)
    for k, grad in enumerate(found):
        def along(x, k=k):
            return loss(*point[:k], x, *point[k + 1:])

        np.testing.assert_allclose(grad, finite_difference(along, point[k]), rtol=1e-5,
                                   atol=1e-6)


def test_second_order_in_both_modes_by_gradcheck():
    def decay(y, t, rate):
        return -rate * y + cr.sin(t) * y**2

    assert cr.gradcheck(
        lambda y0, t, rate: odeint(decay, y0, t, args=(rate,), rtol=1e-12, atol=1e-12),
        np.array([0.8]), np.array([0.0, 0.7]), 0.9, atol=1e-4, rtol=1e-3)


def test_hessian_of_a_linear_ode_in_its_initial_state_is_twice_p_transpose_p():
    def final(y0):
        return cr.sum(odeint(linear, y0, [0.0, 1.0], args=(A,), **TIGHT)[-1] ** 2)

    # L = |P y0|², P = expm(A): the Hessian is 2PᵀP
    propagator = expm(A)
    np.testing.assert_allclose(cr.hessian(final)(Y0), 2 * propagator.T @ propagator, atol=1e-6)


# --- the rest of the interface ------------------------------------------------------------------

def test_a_single_time_gives_y0_and_its_gradient():
    grad_y0, grad_t = cr.grad(lambda y0, t: cr.sum(odeint(linear, y0, t, args=(A,))),
                              argnums=(0, 1))(Y0, np.array([0.3]))
    np.testing.assert_array_equal(grad_y0, [1.0, 1.0])
    np.testing.assert_array_equal(grad_t, [0.0])


def test_tfirst_and_scalar_state_follow_scipy():
    found = cr.grad(lambda k: odeint(lambda t, y, k: -k * y, 1.0, [0.0, 1.0], args=(k,),
                                     tfirst=True, **TIGHT)[-1, 0])(2.0)
    np.testing.assert_allclose(found, -np.exp(-2.0), rtol=1e-8)
    assert odeint(lambda y, t: -y, cr.tensor(1.0), [0.0, 1.0]).shape == (2, 1)


def recorded_calls(monkeypatch, name, keywords):
    """The keyword arguments in ``keywords`` of each call of scipy.integrate's ``name``."""
    calls = []
    real = getattr(scipy_integrate, name)

    def recording(*args, **kwargs):
        calls.append(tuple(kwargs[k] for k in keywords))
        return real(*args, **kwargs)

    monkeypatch.setattr(scipy_integrate, name, recording)
    return calls


def test_tolerances_reach_the_derivative_solves(monkeypatch):
    calls = recorded_calls(monkeypatch, "odeint", ("rtol", "atol", "hmax"))
    cr.grad(lambda y0: cr.sum(odeint(linear, y0, TIMES, args=(A,), rtol=1e-9, atol=1e-10,
                                     hmax=0.5)))(Y0)
    assert len(calls) == len(TIMES)  # the forward, and one backward solve per interval
    assert set(calls) == {(1e-9, 1e-10, 0.5)}


def test_loose_tolerances_give_scipys_loose_values():
    loose = odeint(linear, cr.tensor(Y0), TIMES, args=(A,), rtol=1e-3, atol=1e-3)
    np.testing.assert_array_equal(loose.numpy(), scipy_integrate.odeint(
        linear, Y0, TIMES, args=(A,), rtol=1e-3, atol=1e-3))
    assert not np.allclose(loose.numpy(), scipy_integrate.odeint(linear, Y0, TIMES, args=(A,),
                                                                 **TIGHT), rtol=1e-9, atol=0)


def test_arguments_that_are_not_tensors_are_passed_as_they_are():
    def scaled(y, t, matrix, label):
        assert label == "fixed"
        return matrix @ y

    def loss(y0, matrix):
        return cr.sum(WEIGHTS * odeint(scaled, y0, TIMES, args=(matrix, "fixed"), **TIGHT))

    found = cr.grad(loss, argnums=(0, 1))(Y0, A)
    expected = cr.grad(weighted(lambda y0, t, m: odeint(linear, y0, t, args=(m,), **TIGHT)),
                       argnums=(0, 2))(Y0, TIMES, A)
    np.testing.assert_array_equal(found[0], expected[0])
    np.testing.assert_array_equal(found[1], expected[1])


def test_dfun_with_tensors_is_refused_clearly():
    with pytest.raises(NotImplementedError, match="Dfun"):
        odeint(linear, cr.tensor(Y0), TIMES, args=(A,), Dfun=lambda y, t, a: a)


def test_solve_ivp_gradients_in_y0_args_and_t_eval_match_finite_differences():
    def fun(t, y, rate):
        return -rate * y + cr.cos(t)

    def loss(y0, rate, t_eval, module):
        solution = module.solve_ivp(fun, (0.0, 1.5), y0, method="DOP853", t_eval=t_eval,
                                    args=(rate,), rtol=1e-12, atol=1e-12)
        return cr.sum(solution.y * np.array([[1.0, -2.0], [0.5, 3.0]]))

    point = (np.array([1.0, 2.0]), 0.7, np.array([0.4, 1.2]))
    found = cr.grad(lambda *x: loss(*x, module=cr.scipy.integrate), argnums=(0, 1, 2))(*point)
    for k, grad in enumerate(found):
        def along(x, k=k):
            return loss(*point[:k], x, *point[k + 1:], module=scipy_integrate)

        np.testing.assert_allclose(grad, finite_difference(along, point[k]), rtol=1e-6,
                                   atol=1e-8)


def test_solve_ivp_at_the_solvers_own_steps_differentiates_in_y0():
    def fun(t, y):
        return -0.5 * y

    solution = solve_ivp(fun, (0.0, 2.0), cr.tensor(np.array([1.0])), rtol=1e-10, atol=1e-12)
    grad = cr.grad(lambda y0: solve_ivp(fun, (0.0, 2.0), y0, rtol=1e-10, atol=1e-12).y[0, -1])(
        np.array([3.0]))
    assert np.asarray(solution.t)[-1] == 2.0
    np.testing.assert_allclose(grad, [np.exp(-1.0)], rtol=1e-8)


def test_a_tensor_read_from_a_closure_is_refused_clearly():
    with pytest.raises(TypeError, match="pass it in args"):
        cr.grad(lambda k: cr.sum(odeint(lambda y, t: -k * y, Y0, TIMES)))(2.0)
    with pytest.raises(TypeError, match="pass it in args"):
        cr.grad(lambda k: cr.sum(odeint(lambda y, t: -k * y, cr.tensor(Y0), TIMES)))(2.0)


@pytest.mark.parametrize("transform", [cr.jacrev, cr.jacfwd, cr.jacobian])
def test_whole_jacobians_in_either_mode_are_the_matrix_exponential(transform):
    def final(y0):
        return odeint(linear, y0, [0.0, 1.0], args=(A,), **TIGHT)[-1]

    np.testing.assert_allclose(transform(final)(Y0), expm(A), atol=1e-8)


def test_jit_replays_the_step_and_its_gradient_at_new_points():
    loss, _ = pendulum_losses()
    compiled = cr.jit(cr.grad(loss))
    for y0 in (PENDULUM_Y0, 0.5 * PENDULUM_Y0):
        np.testing.assert_allclose(compiled(y0, PENDULUM_TIMES, PARAMS),
                                   cr.grad(loss)(y0, PENDULUM_TIMES, PARAMS), rtol=1e-12)


def test_times_may_decrease_as_in_scipy():
    def loss(y0, t, module):
        return cr.sum(WEIGHTS[:3] * module.odeint(linear, y0, t, args=(A,), **TIGHT))

    times = np.array([2.0, 1.2, 0.0])
    found = cr.grad(lambda y0, t: loss(y0, t, cr.scipy.integrate), argnums=(0, 1))(Y0, times)
    np.testing.assert_allclose(found[0], finite_difference(
        lambda y0: loss(y0, times, scipy_integrate), Y0), rtol=1e-6)
    np.testing.assert_allclose(found[1], finite_difference(
        lambda t: loss(Y0, t, scipy_integrate), times), rtol=1e-6)


def test_solve_ivp_forward_mode_agrees_with_reverse_mode_and_tolerances_reach_it(monkeypatch):
    calls = recorded_calls(monkeypatch, "solve_ivp", ("method", "rtol", "atol"))

    def loss(rate):
        solution = solve_ivp(lambda t, y, rate: -rate * y**2, (0.0, 1.0), np.array([1.0, 2.0]),
                             method="Radau", t_eval=[0.5, 1.0], args=(rate,), rtol=1e-9,
                             atol=1e-11)
        return cr.sum(solution.y * np.array([[1.0, 2.0], [-1.0, 0.5]]))

    tangent = cr.jvp(loss, (0.8,), (1.0,))[1]
    np.testing.assert_allclose(tangent, cr.grad(loss)(0.8), rtol=1e-7)
    assert set(calls) == {("Radau", 1e-9, 1e-11)} and len(calls) == 1 + 1 + 1 + 2


def test_explain_shows_the_step_and_says_why_it_has_no_formula():
    text = str(cr.explain(lambda y0: cr.sum(odeint(linear, y0, TIMES, args=(A,))), Y0))
    words = " ".join(text.split())  # the text wraps its lines at 100 characters
    assert "odeint(" in words
    assert "formula terms cannot take it" in words
