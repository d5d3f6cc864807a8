"""Every path by which a tensor becomes a plain value either keeps differentiating or stops with
one clear error naming the call and the fix, in forward and reverse mode alike (a silent zero
tangent from np.array([x, ...]) under jvp was the bug).

Kept: chainrule's array/asarray and every op given (nested) lists of tensors, chainrule.numpy
(np.array, lists to any function), NumPy's dispatch of tensors and ufunc methods. Refused:
NumPy's own conversions (np.array, np.asarray, lists to NumPy functions, np.r_, NumPy scalar
types), float/int/complex/.item()/.tolist() inside a transform, bool/integer outputs of grad.
"""

import operator

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

# NumPy's own conversions of a tensor: each would hand back plain numbers.
NUMPY_CONVERSIONS = [
    pytest.param(lambda x: np.array([x, x * 1.0, x + 2.5]), id="np.array of a list"),
    pytest.param(lambda x: np.array([[x, 1.0], [2.0, x]]), id="np.array of nested lists"),
    pytest.param(lambda x: np.array((x, x)), id="np.array of a tuple"),
    pytest.param(lambda x: np.array(x, copy=False), id="np.array copy=False"),
    pytest.param(lambda x: np.array(x, copy=True), id="np.array copy=True"),
    pytest.param(lambda x: np.asarray(x) * 2, id="np.asarray"),
    pytest.param(lambda x: np.asanyarray(x) * 2, id="np.asanyarray"),
    pytest.param(lambda x: np.ascontiguousarray(x) * 2, id="np.ascontiguousarray"),
    pytest.param(lambda x: np.asarray(x, dtype=np.float32), id="np.asarray dtype="),
    pytest.param(lambda x: np.mean([x, 2 * x]), id="a list given to np.mean"),
    pytest.param(lambda x: np.exp([x, 2 * x]), id="a list given to a ufunc"),
    pytest.param(lambda x: np.dot([x, x], [1.0, 2.0]), id="lists given to np.dot"),
    pytest.param(lambda x: np.sum([[x], [x]]), id="nested lists given to np.sum"),
    pytest.param(lambda x: np.r_[x, 1.0], id="np.r_"),
    pytest.param(lambda x: np.c_[x, x], id="np.c_"),
    pytest.param(lambda x: np.float64(x) * 2, id="np.float64(t)"),
    pytest.param(lambda x: np.float32(x) * 2, id="np.float32(t)"),
    pytest.param(lambda x: np.int64(x), id="np.int64(t)"),
]

# Python's conversions to a number, inside a transform.
NUMBER_CONVERSIONS = [
    pytest.param(lambda x: float(x) * 2, "float()", id="float"),
    pytest.param(lambda x: int(x) * 2.0, "int()", id="int"),
    pytest.param(lambda x: complex(x).real, "complex()", id="complex"),
    pytest.param(lambda x: x.item() * 2, ".item()", id="item"),
    pytest.param(lambda x: sum(x.tolist()) if np.ndim(x.tolist()) else x.tolist(), ".tolist()",
                 id="tolist"),
]


def _grad(f):
    return cr.grad(lambda x: cr.sum(f(x)))(3.0)


def _jvp(f):
    return cr.jvp(f, (3.0,), (1.0,))


def _jacfwd(f):
    return cr.jacfwd(f)(3.0)


def _hessian(f):
    return cr.hessian(lambda x: cr.sum(f(x)))(3.0)


MODES = [_grad, _jvp, _jacfwd, _hessian]


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.__name__[1:])
@pytest.mark.parametrize("f", NUMPY_CONVERSIONS)
def test_numpy_conversions_stop_with_one_error_naming_the_call_and_the_fix(f, mode):
    with pytest.raises(TypeError) as caught:
        mode(f)
    message = str(caught.value)
    assert "test_conversions.py, line" in message  # the user's own line
    assert "drop its derivative" in message
    assert "cr.array" in message and "chainrule.numpy" in message and ".detach()" in message


def test_the_error_names_the_numpy_function_a_list_went_through():
    with pytest.raises(TypeError, match=r"numpy\.mean would turn a tensor that requires grad"):
        cr.grad(lambda x: np.mean([x, 2 * x]))(3.0)
    with pytest.raises(TypeError, match=r"numpy\.mean would turn a tensor that carries a forward"):
        cr.jvp(lambda x: np.mean([x, 2 * x]), (3.0,), (1.0,))


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.__name__[1:])
@pytest.mark.parametrize("f, call", NUMBER_CONVERSIONS)
def test_python_numbers_are_refused_inside_transforms(f, call, mode):
    with pytest.raises(TypeError, match=rf"{re_escape(call)} would turn a tensor .* into a "
                                        "Python number inside a transform"):
        mode(f)


def re_escape(text):
    import re

    return re.escape(text)


def test_outside_transforms_a_value_is_read_as_in_pytorch():
    # loss.item() and float(loss) for logging: reading a value is not differentiating it.
    w = cr.tensor([1.0, 2.0], requires_grad=True)
    loss = cr.sum(w * w)
    assert loss.item() == 5.0 and float(loss) == 5.0 and int(loss) == 5
    assert complex(loss) == 5 + 0j and w.tolist() == [1.0, 2.0]
    assert f"{loss:.1f}" == "5.0"


def test_detached_values_convert_inside_transforms():
    def f(x):
        scale = float(x.detach())  # a constant by choice
        return x * scale + np.asarray(x.detach())

    assert cr.grad(f)(3.0) == 3.0
    assert cr.jvp(f, (3.0,), (1.0,))[1] == 3.0


def test_bool_of_a_tensor_is_control_flow_and_each_branch_differentiates():
    def f(x):
        return x * x if x > 0 else -x

    assert cr.grad(f)(3.0) == 6.0 and cr.grad(f)(-3.0) == -1.0
    assert cr.jvp(f, (3.0,), (1.0,))[1] == 6.0


def test_operator_index_accepts_integer_tensors_and_refuses_floats():
    assert operator.index(cr.tensor(3)) == 3
    with pytest.raises(TypeError, match="only integer tensors can be used as an index"):
        cr.grad(lambda x: x * operator.index(x))(3.0)


def test_the_buffer_protocol_is_not_offered():
    with pytest.raises(TypeError, match="bytes-like object is required, not 'Tensor'"):
        cr.grad(lambda x: np.frombuffer(memoryview(x)).sum())(3.0)


@pytest.mark.parametrize("f", [
    pytest.param(lambda x: np.allclose(x, 3.0), id="np.allclose"),
    pytest.param(lambda x: x > 1.0, id="a comparison"),
    pytest.param(lambda x: bool(x), id="bool"),
    pytest.param(lambda x: cr.argmax(cr.stack([x, 2 * x])), id="an index"),
    pytest.param(lambda x: np.count_nonzero(cr.stack([x, x])), id="a count"),
])
def test_grad_of_a_boolean_or_integer_result_raises_instead_of_returning_zero(f):
    with pytest.raises(TypeError, match="grad needs a floating-point output"):
        cr.grad(f)(3.0)
    with pytest.raises(TypeError, match="grad needs a floating-point output"):
        cr.value_and_grad(f)(3.0)


# --- what keeps differentiating ----------------------------------------------------------------

def _array_of_list(np_):
    return lambda x, y: np_.sum(np_.array([x, x * y, y + 2.5]) * np_.array([1.0, 2.0, 3.0]))


def _nested(np_):
    return lambda x, y: np_.sum(np_.array([[x, 1.0], [y, x * y]]) ** 2)


def _list_to_functions(np_):
    return lambda x, y: np_.mean([x, 2 * y]) + np_.sum(np_.exp([x, y])) + np_.dot([x, y], [y, x])


def _asarray(np_):
    return lambda x, y: np_.sum(np_.asarray([x, y]) * np_.asarray(y) * 2)


def _linalg(np_):
    return lambda x, y: np_.linalg.det([[x, 1.0], [2.0, y]]) + np_.linalg.norm([x, y])


def _ufunc_methods(np_):
    return lambda x, y: np_.sum(np_.multiply.outer([x, y], [y, 1.0])) + np_.add.reduce([x, y])


PROGRAMS = [_array_of_list, _nested, _list_to_functions, _asarray, _linalg, _ufunc_methods]


def _reference(program):
    # The same program on numbers, differentiated by central differences.
    f = program(np)

    def partial(i, x, y, h=1e-6):
        up = [x, y]
        down = [x, y]
        up[i] += h
        down[i] -= h
        return (f(*up) - f(*down)) / (2 * h)

    return partial


@pytest.mark.parametrize("program, np_", [
    pytest.param(program, np_, id=f"{name}-{program.__name__[1:]}")
    for program in PROGRAMS
    for np_, name in ((cr, "cr"), (cnp, "chainrule.numpy"))
    if np_ is cnp or program is not _ufunc_methods  # ufunc methods are NumPy's, not cr's
])
def test_lists_of_tensors_differentiate_in_every_mode(program, np_):
    f = program(np_)
    x, y = 0.7, 1.3
    partial = _reference(program)
    expected = [partial(0, x, y), partial(1, x, y)]
    np.testing.assert_allclose(f(x, y), program(np)(x, y), rtol=1e-13)
    np.testing.assert_allclose(cr.grad(f, argnums=(0, 1))(x, y), expected, rtol=1e-6)
    tangents = [cr.jvp(f, (x, y), seed)[1] for seed in ((1.0, 0.0), (0.0, 1.0))]
    np.testing.assert_allclose(tangents, expected, rtol=1e-6)
    np.testing.assert_allclose(cr.jacfwd(f, argnums=(0, 1))(x, y), expected, rtol=1e-6)
    cr.gradcheck(f, x, y)  # both modes, first and second order


def test_jacobians_of_arrays_built_from_lists():
    np.testing.assert_array_equal(cr.jacfwd(lambda x: cnp.array([x, x**2]))(3.0), [1.0, 6.0])
    np.testing.assert_array_equal(cr.jacrev(lambda x: cnp.array([x, x**2]))(3.0), [1.0, 6.0])
    np.testing.assert_array_equal(cr.jvp(lambda x: cnp.array([x, x * 1.0, x + 2.5]), (3.0,),
                                         (1.0,))[1], [1.0, 1.0, 1.0])
    assert cr.jvp(lambda x: cnp.asarray(x) * 2, (3.0,), (1.0,))[1] == 2.0
    assert cr.jvp(lambda x: cnp.mean([x, 2 * x]), (3.0,), (1.0,))[1] == 1.5
    hessian = cr.hessian(lambda v: cnp.sum(cnp.array([[v[0] * v[1], 1.0], [v[0] ** 2, 0.0]])))
    np.testing.assert_allclose(hessian(np.array([1.0, 2.0])), [[2.0, 1.0], [1.0, 0.0]])


def test_array_keeps_numpy_semantics():
    x = cr.tensor(2.0, requires_grad=True)
    built = cr.array([[x, 1], [2, x]], dtype=np.float32, ndmin=3)
    assert built.shape == (1, 2, 2) and built.dtype == np.float32
    assert isinstance(cr.array([1.0, 2.0]), np.ndarray)  # no tensor inside: NumPy's array
    assert cr.asarray(x) is x and cr.array(x) is not x and cr.array(x, copy=False) is x
    assert cr.ascontiguousarray(x).shape == (1,)
    with pytest.raises(ValueError, match="inhomogeneous"):
        cr.array([x, [x, x]])
    with pytest.raises(TypeError, match="order='F' is not supported"):
        cr.array([x], order="F")


def test_float32_stays_float32_through_a_built_array():
    x = np.float32(1.5)
    grads = cr.grad(lambda x: cr.sum(cr.array([x, x * x])))(x)
    assert grads.dtype == np.float32 and grads == np.float32(4.0)


def test_chainrule_numpy_is_numpy_for_everything_else():
    assert cnp.pi == np.pi and cnp.float32 is np.float32 and cnp.newaxis is None
    assert cnp.random is np.random and cnp.ndarray is np.ndarray
    assert cnp.sin.op is cr.sin and cnp.absolute.op is cr.abs and cnp.mean is cr.mean
    assert cnp.allclose([1.0], [1.0]) and "sin" in dir(cnp) and "pinv" in dir(cnp.linalg)
    with pytest.raises(AttributeError):
        cnp.no_such_function  # noqa: B018
    with pytest.raises(TypeError, match="numpy.unwrap is not differentiable"):
        cr.grad(lambda x: cnp.sum(cnp.unwrap([x, x])))(1.0)


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
