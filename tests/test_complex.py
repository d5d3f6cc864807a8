"""Complex numbers (docs/complex.md): JAX's convention, grad and holomorphic=, gradcheck on
complex arguments, the complex parts under NumPy's dispatch, and the ops that refuse."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.primitive import REGISTRY
from chainrule.testing import GradcheckError

Z = np.array([1.0 + 2.0j, -0.5 + 0.3j, 0.7 - 1.1j])


# --- the convention -------------------------------------------------------------------------


def test_grad_of_a_real_function_of_z_is_d_dx_minus_i_d_dy():
    # |z|² = x² + y²: ∂/∂x − i·∂/∂y = 2x − 2iy = 2·conj(z) (PyTorch would return 2z).
    assert complex(cr.grad(lambda z: cr.abs(z) ** 2)(1.0 + 2.0j)) == 2 - 4j
    np.testing.assert_allclose(cr.grad(lambda z: cr.real(z * cr.conj(z)).sum())(Z),
                               2 * np.conj(Z))


def test_a_real_input_times_a_complex_constant_gets_the_real_part_of_its_cotangent():
    c = 1 + 0.2j
    assert float(cr.grad(lambda x: cr.real(x * c))(1.0)) == 1.0
    assert float(cr.grad(lambda x: cr.imag(x * c))(1.0)) == pytest.approx(0.2)
    _, pullback = cr.vjp(lambda x: x * c, 1.0)
    (grad_x,) = pullback(2.0 - 3.0j)
    assert np.isrealobj(grad_x) and float(grad_x) == pytest.approx(((2.0 - 3.0j) * c).real)


def test_a_real_inputs_tangent_stays_real_and_a_complex_one_is_carried():
    _, tangent = cr.jvp(lambda x: cr.abs(x * (1 + 1j)), (2.0,), (1.0,))
    assert np.isrealobj(tangent) and float(tangent) == pytest.approx(np.sqrt(2))
    _, tangent = cr.jvp(cr.sin, (Z,), (np.full(3, 0.5 - 1j),))
    np.testing.assert_allclose(tangent, np.cos(Z) * (0.5 - 1j))


def test_a_complex_tangent_or_cotangent_for_a_real_value_is_refused():
    with pytest.raises(TypeError, match="the tangent of .* is complex, but the primal"):
        cr.jvp(cr.sin, (1.0,), (1j,))
    _, pullback = cr.vjp(cr.sin, 1.0)
    with pytest.raises(TypeError, match="is complex, but the output it goes with is real"):
        pullback(1j)


def test_vjp_is_the_transpose_of_jvp_under_re_of_the_product():
    rng = np.random.default_rng(0)
    def f(z):
        return cr.exp(z) * cr.conj(z) + cr.abs(z) + cr.angle(z) * 1j
    t = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    c = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    _, f_dot = cr.jvp(f, (Z,), (t,))
    _, pullback = cr.vjp(f, Z)
    (z_bar,) = pullback(c)
    assert np.real(np.sum(c * f_dot)) == pytest.approx(np.real(np.sum(z_bar * t)))


def test_non_holomorphic_parts_have_the_documented_rules():
    z = 3.0 + 4.0j
    assert complex(cr.grad(lambda z: cr.abs(z))(z)) == pytest.approx(np.conj(z) / 5)
    assert complex(cr.grad(cr.real)(z)) == 1
    assert complex(cr.grad(cr.imag)(z)) == -1j
    assert complex(cr.grad(cr.angle)(z)) == pytest.approx(-1j / z)
    _, pullback = cr.vjp(cr.conj, z)
    assert complex(pullback(2.0 + 1.0j)[0]) == 2.0 - 1.0j


def test_abs_and_angle_have_derivative_zero_at_zero():
    assert complex(cr.grad(cr.abs)(0j)) == 0
    assert complex(cr.grad(cr.angle)(0j)) == 0
    assert float(cr.jvp(cr.abs, (0j,), (1 + 1j,))[1]) == 0


# --- grad and holomorphic= ----------------------------------------------------------------


def test_grad_refuses_a_complex_output_and_names_the_ways_out():
    with pytest.raises(TypeError, match="grad requires real-valued outputs.*holomorphic=True"):
        cr.grad(lambda x: x * (1 + 0.2j))(1.0)
    with pytest.raises(TypeError, match="real-valued outputs"):
        cr.value_and_grad(lambda z: z * z)(1j)


def test_holomorphic_grad_is_the_complex_derivative():
    assert complex(cr.grad(lambda z: z ** 3, holomorphic=True)(1 + 1j)) == pytest.approx(6j)
    value, slope = cr.value_and_grad(cr.exp, holomorphic=True)(1j)
    assert complex(slope) == pytest.approx(np.exp(1j)) and complex(value) == np.exp(1j)
    second = cr.grad(cr.grad(cr.sin, holomorphic=True), holomorphic=True)(0.5 + 1j)
    assert complex(second) == pytest.approx(-np.sin(0.5 + 1j))


def test_holomorphic_needs_complex_inputs_and_outputs():
    with pytest.raises(TypeError, match="holomorphic=True requires complex inputs"):
        cr.grad(cr.sin, holomorphic=True)(1.0)
    with pytest.raises(TypeError, match="holomorphic=True requires complex outputs"):
        cr.grad(cr.abs, holomorphic=True)(1j)


def test_jacobians_and_hessian_take_holomorphic():
    np.testing.assert_allclose(cr.jacrev(cr.sin, holomorphic=True)(Z), np.diag(np.cos(Z)))
    np.testing.assert_allclose(cr.jacfwd(cr.sin, holomorphic=True)(Z), np.diag(np.cos(Z)))
    np.testing.assert_allclose(
        cr.hessian(lambda z: cr.sum(cr.sin(z)), holomorphic=True)(Z), np.diag(-np.sin(Z)))
    np.testing.assert_allclose(cr.jacrev(cr.abs)(Z), np.diag(np.conj(Z) / np.abs(Z)))
    np.testing.assert_allclose(cr.jacfwd(lambda x: x * (1 + 1j))(np.ones(2)),
                               np.eye(2) * (1 + 1j))


def test_jacrev_needs_real_outputs_and_jacfwd_real_inputs_unless_holomorphic():
    with pytest.raises(TypeError, match="jacrev requires real-valued outputs"):
        cr.jacrev(lambda z: z * 2)(Z)
    with pytest.raises(TypeError, match="jacfwd requires real-valued inputs"):
        cr.jacfwd(cr.abs)(Z)


# --- gradcheck ------------------------------------------------------------------------------


def test_gradcheck_checks_complex_arguments_and_results():
    assert cr.gradcheck(lambda z, w: cr.exp(z) * cr.conj(w), Z, Z[::-1])
    assert cr.gradcheck(lambda x: x * (1 + 2j), np.array([0.5, 2.0]))


def _abs_with(vjp, name):
    return cr.primitive(
        name, np.abs, vjp=vjp,
        jvp=lambda x_dot, out, x: cr.real(np.conj(x) * x_dot) / out,
        supports_complex=True,
    )


@pytest.fixture
def declared():
    """Names of primitives a test declares; they leave the registry when it ends (the registry
    test wants an op-table case for every primitive in it)."""
    names = []
    yield names
    for name in names:
        REGISTRY.pop(name, None)


def test_gradcheck_catches_a_vjp_that_conjugates_where_it_should_not(declared):
    declared += ["abs_right_example", "abs_wrong_example"]
    right = _abs_with(lambda grad_out, out, x: grad_out * cr.conj(x) / out, "abs_right_example")
    wrong = _abs_with(lambda grad_out, out, x: grad_out * x / out, "abs_wrong_example")
    assert cr.gradcheck(right, Z, order=1)
    with pytest.raises(GradcheckError, match="reverse mode"):
        cr.gradcheck(wrong, Z, order=1)


def test_gradcheck_widens_complex64_to_complex128_with_a_warning():
    with pytest.warns(UserWarning, match="complex128"):
        cr.gradcheck(cr.sin, Z.astype(np.complex64))


# --- the parts under NumPy's names -----------------------------------------------------------


@pytest.mark.parametrize("name", ["real", "imag", "conj", "conjugate", "angle", "abs",
                                  "absolute", "real_if_close"])
def test_numpy_dispatch_gives_numpys_values_and_chainrules_gradient(name):
    numpy_fn = getattr(np, name)
    z = cr.tensor(Z)
    out = numpy_fn(z)
    expected = numpy_fn(Z)
    assert isinstance(out, cr.Tensor) and out.dtype == expected.dtype
    np.testing.assert_array_equal(out.numpy(), expected)
    op = getattr(cr, {"absolute": "abs"}.get(name, name))
    def through_numpy(z):
        return cr.sum(cr.abs(numpy_fn(z) * (1 + 1j)) ** 2)
    def through_chainrule(z):
        return cr.sum(cr.abs(op(z) * (1 + 1j)) ** 2)
    np.testing.assert_allclose(cr.grad(through_numpy)(Z), cr.grad(through_chainrule)(Z))


def test_tensor_real_imag_and_conj():
    z = cr.tensor(Z, requires_grad=True)
    (z.real * z.imag + cr.real(z.conj() * z.conjugate())).sum().backward()
    x, y = Z.real, Z.imag
    # ∂/∂x − i∂/∂y of xy + (x² − y²)
    np.testing.assert_allclose(z.grad.numpy(), (y + 2 * x) - 1j * (x - 2 * y))


def test_complex_parts_keep_numpys_dtypes_and_values():
    for dtype in (np.complex64, np.complex128, np.float32, np.float64):
        a = Z.astype(dtype) if np.dtype(dtype).kind == "c" else Z.real.astype(dtype)
        for name in ("real", "imag", "conj", "angle", "abs"):
            found = getattr(cr, name)(cr.tensor(a)).numpy()
            expected = getattr(np, name)(a)
            assert found.dtype == expected.dtype, (name, dtype)
            np.testing.assert_array_equal(found, expected)
    assert cr.angle(cr.tensor(Z), deg=True).numpy() == pytest.approx(np.angle(Z, deg=True))


def test_real_if_close_drops_only_negligible_imaginary_parts():
    close = cr.real_if_close(cr.tensor(np.array([1.0 + 1e-16j, 2.0])))
    assert close.dtype == np.float64
    far = cr.real_if_close(cr.tensor(Z))
    assert far.dtype == np.complex128
    assert cr.real_if_close(cr.tensor(np.array([1.0 + 1e-10j])), tol=1e7).dtype == np.float64


def test_the_2_norm_of_complex_values_is_numpys():
    # Computed on |z|: Σz² would be complex, and wrong.
    for a in (Z, np.outer(Z, Z[::-1])):
        assert cr.linalg.norm(cr.tensor(a)).numpy() == pytest.approx(np.linalg.norm(a))
    np.testing.assert_allclose(cr.grad(cr.linalg.norm)(Z), np.conj(Z) / np.linalg.norm(Z))


def test_var_std_and_vdot_of_complex_values_match_numpy():
    z = cr.tensor(Z)
    assert cr.var(z).numpy() == np.var(Z) and np.var(z).dtype == np.float64
    assert cr.std(z).numpy() == pytest.approx(np.std(Z))
    assert cr.vdot(z, z[::-1]).numpy() == pytest.approx(np.vdot(Z, Z[::-1]))


# --- ops with no complex derivative refuse, naming themselves ---------------------------------


REFUSERS = [
    ("maximum", lambda z: cr.maximum(z, 0.5)),
    ("minimum", lambda z: cr.minimum(z, 0.5)),
    ("clip", lambda z: cr.clip(z, -1, 1)),
    ("relu", cr.relu),
    ("leaky_relu", cr.leaky_relu),
    ("max", cr.max),
    ("min", cr.min),
    ("sign", cr.sign),
    ("logsumexp", cr.logsumexp),
    ("sigmoid", cr.sigmoid),
]


@pytest.mark.parametrize("name, fn", REFUSERS, ids=[name for name, _ in REFUSERS])
def test_an_op_with_no_complex_derivative_refuses_in_both_modes(name, fn):
    with pytest.raises(TypeError, match=f"'{name}' has no complex derivative"):
        cr.grad(lambda z: cr.sum(cr.abs(fn(z))))(Z)
    with pytest.raises(TypeError, match=f"'{name}' has no complex derivative"):
        cr.jvp(lambda z: cr.abs(fn(z)), (Z,), (np.ones(3, complex),))


def test_a_refusing_op_still_computes_on_complex_constants_and_under_jit():
    assert cr.sign(cr.tensor(Z)).dtype == np.complex128  # no derivative asked: NumPy's value
    with pytest.raises(TypeError, match="'maximum' has no complex derivative"):
        cr.jit(cr.grad(lambda z: cr.abs(cr.maximum(z, 0))))(1 + 2j)


def test_a_users_primitive_refuses_complex_unless_it_declares_support(declared):
    declared.append("double_example")
    double = cr.primitive("double_example", lambda x: 2 * x,
                          vjp=lambda grad_out, out, x: 2 * grad_out,
                          jvp=lambda x_dot, out, x: 2 * x_dot)
    with pytest.raises(TypeError, match="'double_example' has no complex derivative"):
        cr.grad(lambda z: cr.abs(double(z)))(1j)
    assert float(cr.grad(lambda x: double(x))(1.0)) == 2.0


def test_explain_refuses_complex_values_rather_than_print_real_formulas_for_them():
    with pytest.raises(TypeError, match="explain shows real computations only.*input"):
        cr.explain(cr.abs, 1 + 2j)
    with pytest.raises(TypeError, match="explain shows real computations only.*v2"):
        cr.explain(lambda x: cr.abs(x * (1 + 1j)), 2.0)
