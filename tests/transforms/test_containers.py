"""Arguments and results in containers, argnums, has_aux, and what comes back (plain or tensor)."""

from collections import namedtuple

import numpy as np
import pytest

import chainrule as cr

Params = namedtuple("Params", "w b")


def loss(params, x):
    return cr.sum((params["w"] * x + params["b"]) ** 2)


def test_grad_of_a_dict_comes_back_as_the_same_dict():
    params = {"w": np.array([1.0, 2.0]), "b": 0.5}
    x = np.array([1.0, -1.0])
    grads = cr.grad(loss)(params, x)
    residual = params["w"] * x + params["b"]
    assert list(grads) == ["w", "b"]
    np.testing.assert_allclose(grads["w"], 2 * residual * x)
    assert float(grads["b"]) == pytest.approx(2 * residual.sum())


def test_grad_of_nested_tuples_lists_and_named_tuples():
    def f(tree):
        (a, [b, c]), p = tree
        return a * b * c + cr.sum(p.w) * p.b

    tree = ((2.0, [3.0, 4.0]), Params(np.array([1.0, 2.0]), 5.0))
    (da, [db, dc]), dp = cr.grad(f)(tree)
    assert (float(da), float(db), float(dc)) == (12.0, 8.0, 6.0)
    assert isinstance(dp, Params)
    np.testing.assert_array_equal(dp.w, [5.0, 5.0])
    assert float(dp.b) == 3.0


def test_argnums_tuple_gives_a_tuple_of_gradients():
    grads = cr.grad(lambda a, b, c: a * b + c, argnums=(0, 2))(2.0, 3.0, 4.0)
    assert isinstance(grads, tuple)
    assert tuple(map(float, grads)) == (3.0, 1.0)


def test_negative_argnums_count_from_the_end():
    assert float(cr.grad(lambda a, b: a * b, argnums=-1)(2.0, 3.0)) == 2.0


def test_arguments_not_in_argnums_may_be_anything():
    def f(x, label, n):
        assert label == "scale" and n == 3
        return x * n

    assert float(cr.grad(f)(2.0, "scale", 3)) == 3.0


def test_value_and_grad_with_aux():
    (value, aux), grads = cr.value_and_grad(
        lambda d: (d["a"] ** 2, {"note": "x", "a": d["a"]}), has_aux=True
    )({"a": 3.0})
    assert float(value) == 9.0
    assert aux["note"] == "x" and float(aux["a"]) == 3.0
    assert float(grads["a"]) == 6.0


def test_grad_with_aux_returns_gradient_and_aux():
    slope, aux = cr.grad(lambda x: (x**3, "cube"), has_aux=True)(2.0)
    assert (float(slope), aux) == (12.0, "cube")


def test_aux_comes_back_plain_at_the_top_level():
    _, aux = cr.grad(lambda x: (x * x, {"next": x + 1}), has_aux=True)(np.array(2.0))
    assert isinstance(aux["next"], np.generic) and aux["next"] == 3.0


def test_vjp_with_container_output_and_cotangent():
    out, vjp_fn = cr.vjp(lambda x: {"double": x * 2, "total": cr.sum(x)}, np.ones(3))
    np.testing.assert_array_equal(out["double"], [2.0, 2.0, 2.0])
    (grad_x,) = vjp_fn({"double": np.array([1.0, 0.0, 2.0]), "total": 1.0})
    np.testing.assert_array_equal(grad_x, [3.0, 1.0, 5.0])


def test_vjp_with_aux():
    out, vjp_fn, aux = cr.vjp(lambda x: (x * x, "aux"), 3.0, has_aux=True)
    assert (float(out), aux, float(vjp_fn(1.0)[0])) == (9.0, "aux", 6.0)


def test_jvp_with_container_primals_and_output():
    out, out_dot = cr.jvp(
        lambda d: (d["a"] * d["b"], [d["a"] + d["b"]]),
        ({"a": 2.0, "b": 3.0},),
        ({"a": 1.0, "b": 0.0},),
    )
    assert (float(out[0]), float(out[1][0])) == (6.0, 5.0)
    assert (float(out_dot[0]), float(out_dot[1][0])) == (3.0, 1.0)


def test_jvp_with_aux():
    out, out_dot, aux = cr.jvp(lambda x: (x * x, "aux"), (3.0,), (1.0,), has_aux=True)
    assert (float(out), float(out_dot), aux) == (9.0, 6.0, "aux")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_nests_output_structure_over_input_structure(mode):
    def f(x, y):
        return {"sum": x + y, "parts": (x * y, cr.sum(x))}

    x, y = np.ones(2), np.full(2, 3.0)
    jac = cr.jacobian(f, argnums=(0, 1), mode=mode)(x, y)
    eye = np.eye(2)
    np.testing.assert_array_equal(jac["sum"][0], eye)
    np.testing.assert_array_equal(jac["sum"][1], eye)
    np.testing.assert_array_equal(jac["parts"][0][0], 3 * eye)
    np.testing.assert_array_equal(jac["parts"][0][1], eye)
    np.testing.assert_array_equal(jac["parts"][1][0], [1.0, 1.0])
    np.testing.assert_array_equal(jac["parts"][1][1], [0.0, 0.0])


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_with_respect_to_a_container(mode):
    jac = cr.jacobian(lambda p: [p[0] * p[1], p[1]], mode=mode)((1.0, 2.0))
    assert [[float(v) for v in row] for row in jac] == [[2.0, 1.0], [0.0, 1.0]]


def test_jacobian_with_aux():
    jac, aux = cr.jacobian(lambda x: (x * 2, "aux"), has_aux=True)(np.ones(2))
    np.testing.assert_array_equal(jac, 2 * np.eye(2))
    assert aux == "aux"


def test_hessian_of_two_arguments_is_a_tuple_of_blocks():
    blocks = cr.hessian(lambda x, y: x**2 * y, argnums=(0, 1))(1.0, 2.0)
    assert [[float(b) for b in row] for row in blocks] == [[4.0, 2.0], [2.0, 0.0]]


def test_plain_inputs_give_plain_numpy_outputs():
    x = np.array([1.0, 2.0])
    results = [
        cr.grad(lambda v: cr.sum(v * v))(x),
        cr.vjp(lambda v: v * v, x)[0],
        cr.vjp(lambda v: v * v, x)[1](np.ones(2))[0],
        *cr.jvp(lambda v: v * v, (x,), (np.ones(2),)),
        cr.jacobian(lambda v: v * v)(x),
        cr.jacfwd(lambda v: v * v)(x),
        cr.hessian(lambda v: cr.sum(v**3))(x),
        cr.hvp(lambda v: cr.sum(v**3), (x,), (np.ones(2),)),
        cr.grad(lambda v: v * v)(2.0),
        cr.grad(lambda v: cr.sum(v * v))(cr.tensor(x)),
    ]
    for value in results:
        assert isinstance(value, (np.ndarray, np.generic)), type(value)


def test_tensors_that_require_grad_give_tensors_with_a_graph():
    x = cr.tensor(2.0, requires_grad=True)
    slope = cr.grad(lambda t: t**3)(x)
    assert isinstance(slope, cr.Tensor) and slope.requires_grad
    slope.backward()
    assert float(x.grad) == 12.0  # d/dx 3x² = 6x


def test_inputs_and_their_grads_are_untouched():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    cr.grad(lambda t: cr.sum(t * t))(x)
    assert x.grad is None


def test_transforms_differentiate_inside_no_grad():
    with cr.no_grad():
        assert float(cr.grad(lambda x: x * x)(3.0)) == 6.0


def test_no_grad_inside_the_function_is_respected():
    def f(x):
        with cr.no_grad():
            constant = x * 10
        return x * constant

    assert float(cr.grad(f)(2.0)) == 20.0


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_is_kept(dtype):
    x = np.ones(3, dtype=dtype)
    assert cr.grad(lambda v: cr.sum(v * v))(x).dtype == dtype
    assert cr.jacobian(lambda v: v * 2)(x).dtype == dtype
    assert cr.jacfwd(lambda v: v * 2)(x).dtype == dtype
    assert cr.hessian(lambda v: cr.sum(v**3))(x).dtype == dtype


def test_output_that_ignores_the_input_has_zero_derivatives():
    x = np.ones(2)
    np.testing.assert_array_equal(cr.grad(lambda v: 3.0)(x), [0.0, 0.0])
    np.testing.assert_array_equal(cr.jacobian(lambda v: np.ones(3))(x), np.zeros((3, 2)))
    np.testing.assert_array_equal(cr.jacfwd(lambda v: np.ones(3))(x), np.zeros((3, 2)))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_with_empty_input_or_output(mode):
    assert cr.jacobian(lambda v: v * 2, mode=mode)(np.ones(0)).shape == (0, 0)
    assert cr.jacobian(lambda v: cr.sum(v) * np.ones(0), mode=mode)(np.ones(2)).shape == (0, 2)
    assert cr.jacobian(lambda v: v[:0] + 1.0, mode=mode)(np.ones(3)).shape == (0, 3)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_of_a_scalar_function_of_a_scalar(mode):
    jac = cr.jacobian(lambda t: t**3, mode=mode)(2.0)
    assert jac.shape == () and float(jac) == 12.0


def test_results_are_arrays_of_their_own():
    cotangent = np.ones((2, 3))
    _, vjp_fn = cr.vjp(lambda x: cr.reshape(x, (2, 3)), np.zeros(6))
    (grad_x,) = vjp_fn(cotangent)
    assert grad_x.flags.writeable and not np.shares_memory(grad_x, cotangent)

    grad_x, grad_y = cr.grad(lambda x, y: cr.sum(x + y), argnums=(0, 1))(np.ones(2), np.ones(2))
    assert not np.shares_memory(grad_x, grad_y)

    tangent = np.ones(3)
    _, out_dot = cr.jvp(lambda x: x, (np.zeros(3),), (tangent,))
    assert not np.shares_memory(out_dot, tangent)


def test_keyword_arguments_pass_through_undifferentiated():
    def f(x, *, power):
        return x**power

    assert float(cr.grad(f)(2.0, power=3)) == 12.0
    assert float(cr.jacfwd(f)(2.0, power=2)) == 4.0
    assert float(cr.hessian(f)(2.0, power=3)) == 12.0
