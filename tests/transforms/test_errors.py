"""Every error a transform raises says what was wrong and what to do."""

import re

import numpy as np
import pytest

import chainrule as cr


def raises(kind, message):
    return pytest.raises(kind, match="^" + re.escape(message) + "$")


def test_grad_of_a_vector_output_names_the_shape_and_points_to_jacobian_and_vjp():
    with raises(
        TypeError,
        "grad needs a function with one output value, but this one returned shape (3,); use "
        "jacobian() for the full matrix of derivatives, or vjp() for vᵀ·J (e.g. the gradient "
        "of a weighted sum)",
    ):
        cr.grad(lambda x: x * np.ones(3))(1.0)


def test_grad_of_a_container_output_points_to_jacobian_and_vjp():
    with raises(
        TypeError,
        "grad needs a function with one output value, but this one returned a container "
        "(*, [*]); use jacobian() for the derivatives of every output, or vjp() for vᵀ·J",
    ):
        cr.grad(lambda x: (x, [x]))(1.0)


@pytest.mark.parametrize(
    "value, dtype",
    [(2, "int64"), (np.arange(3), "int64"), (True, "bool"), (np.ones(2, dtype=np.int32), "int32")],
)
def test_integer_input_is_a_type_error_naming_the_dtype(value, dtype):
    message = (
        f"cannot differentiate with respect to argument 0, of dtype {dtype}: derivatives need "
        "floating-point values; pass floats (2.0, not 2) or convert it with "
        "np.asarray(x, dtype=float)"
    )
    for transform in (cr.grad, cr.jacobian, cr.jacfwd, cr.hessian):
        with raises(TypeError, message):
            transform(lambda x: cr.sum(x * 1.0))(value)
    with raises(TypeError, message):
        cr.vjp(lambda x: x, value)
    with raises(TypeError, message):
        cr.jvp(lambda x: x, (value,), (value,))


def test_integer_leaf_of_a_container_is_named_by_its_path():
    with raises(
        TypeError,
        "cannot differentiate with respect to argument 1['w'][0], of dtype int64: derivatives "
        "need floating-point values; pass floats (2.0, not 2) or convert it with "
        "np.asarray(x, dtype=float)",
    ):
        cr.grad(lambda a, p: a * p["w"][0], argnums=1)(1.0, {"w": [3]})


@pytest.mark.parametrize("argnums", [2, -3, (0, 5)])
def test_argnums_out_of_range(argnums):
    bad = argnums if isinstance(argnums, int) else 5
    with raises(
        ValueError,
        f"argnums {bad} is out of range: f was called with 2 positional argument(s), so "
        "argnums must be between -2 and 1",
    ):

        def f(x, y):
            return x * y

        cr.grad(f, argnums=argnums)(1.0, 2.0)


@pytest.mark.parametrize("transform", [cr.grad, cr.jacobian, cr.hessian])
def test_argnums_out_of_range_in_every_transform(transform):
    with pytest.raises(ValueError, match=r"^argnums 1 is out of range: <lambda> was called"):
        transform(lambda x: x * x, argnums=1)(1.0)


def test_argnums_of_the_wrong_type():
    with raises(TypeError, "argnums must be an int or a tuple (or list) of ints, got '0'"):
        cr.grad(lambda x: x, argnums="0")(1.0)
    with raises(TypeError, "argnums must be an int or a tuple (or list) of ints, got [0.5]"):
        cr.grad(lambda x: x, argnums=[0.5])(1.0)


def test_argnums_as_a_list_is_read_as_a_tuple():
    assert cr.grad(lambda x, y: x * y, argnums=[1, 0])(2.0, 3.0) == (2.0, 3.0)


def test_argnums_naming_an_argument_twice():
    with raises(ValueError, "argnums (0, -2) names an argument twice"):
        cr.grad(lambda x, y: x * y, argnums=(0, -2))(1.0, 2.0)


def test_empty_argnums():
    with raises(ValueError, "argnums is empty; name at least one argument to differentiate"):
        cr.grad(lambda x: x, argnums=())(1.0)


@pytest.mark.parametrize(
    "returned, kind",
    [("text", "str"), (object(), "object"), (np.array(["a"]), "ndarray of dtype <U1")],
)
def test_function_returning_a_non_numeric_value(returned, kind):
    if kind.startswith("ndarray"):
        message = (
            "the output of f is a ndarray of dtype <U1, not a number or array; a function to "
            "differentiate must return tensors, arrays or floats (or tuples, lists or dicts "
            "of them)"
        )
    else:
        message = (
            f"the output of f is a {kind}, not a number, array or tensor; transforms work on "
            "numbers, NumPy arrays, tensors, and tuples, lists or dicts of them"
        )
    for transform in (cr.grad, cr.jacobian, cr.jacfwd):
        with raises(TypeError, message):
            transform(lambda x: returned)(1.0)


def test_function_returning_none_asks_whether_it_forgot_to_return():
    with raises(
        TypeError,
        "the output of f is a NoneType (did the function forget to return?), not a number, "
        "array or tensor; transforms work on numbers, NumPy arrays, tensors, and tuples, "
        "lists or dicts of them",
    ):
        cr.grad(lambda x: None)(1.0)


def test_non_numeric_argument():
    with raises(
        TypeError,
        "argument 0[1] is a str, not a number, array or tensor; transforms work on numbers, "
        "NumPy arrays, tensors, and tuples, lists or dicts of them",
    ):
        cr.grad(lambda p: p[0])((1.0, "two"))


def test_has_aux_needs_a_pair():
    with raises(
        TypeError,
        "with has_aux=True the function must return a pair (output, aux), but it returned a "
        "tuple of 3",
    ):
        cr.grad(lambda x: (x, 1, 2), has_aux=True)(1.0)


def test_unknown_jacobian_mode():
    with raises(ValueError, "jacobian mode must be 'reverse' or 'forward', got 'sideways'"):
        cr.jacobian(lambda x: x, mode="sideways")


@pytest.mark.parametrize("chunk_size", [0, -1, 1.5, True])
def test_bad_chunk_size(chunk_size):
    with raises(ValueError, f"chunk_size must be a positive int or None, got {chunk_size!r}"):
        cr.jacobian(lambda x: x * 2, chunk_size=chunk_size)(np.ones(3))


def test_cotangent_of_the_wrong_shape():
    _, vjp_fn = cr.vjp(lambda x: x * 2, np.ones(2))
    with raises(
        ValueError,
        "the cotangent has shape (3,), but the output it goes with has shape (2,); they must match",
    ):
        vjp_fn(np.ones(3))


def test_cotangent_of_the_wrong_structure():
    _, vjp_fn = cr.vjp(lambda x: (x, x), 1.0)
    with raises(
        ValueError,
        "the cotangent must have the structure of f's output, (*, *), but it is [*, *]",
    ):
        vjp_fn([1.0, 1.0])


def test_tangent_of_the_wrong_shape():
    with raises(
        ValueError,
        "the tangent of argument 0 has shape (3,), but the primal it goes with has shape "
        "(2,); they must match",
    ):
        cr.jvp(lambda x: x, (np.ones(2),), (np.ones(3),))


def test_tangent_of_the_wrong_structure():
    with raises(
        ValueError,
        "tangent 0 must have the structure of its primal, {'a': *}, but it is (*,)",
    ):
        cr.jvp(lambda d: d["a"], ({"a": 1.0},), ((1.0,),))


def test_jvp_needs_tuples_of_primals_and_tangents():
    with raises(
        TypeError,
        "jvp takes primals as a tuple with one entry per argument of f, e.g. jvp(f, (x,), "
        "(v,)); got a ndarray",
    ):
        cr.jvp(lambda x: x, np.ones(2), np.ones(2))


def test_jvp_needs_one_tangent_per_primal():
    with raises(ValueError, "jvp needs one tangent per primal: got 2 primals and 1 tangents"):
        cr.jvp(lambda x, y: x * y, (1.0, 2.0), (1.0,))


def test_hvp_needs_tuples():
    with raises(TypeError, "hvp takes primals and tangents as tuples, e.g. hvp(f, (x,), (v,))"):
        cr.hvp(lambda x: x * x, 1.0, 1.0)


def test_an_error_inside_f_is_raised_unchanged_by_batched_jacobians():
    def f(x):
        raise KeyError("from f")

    for mode in ("reverse", "forward"):
        with pytest.raises(KeyError, match="from f"):
            cr.jacobian(f, mode=mode)(np.ones(3))
