"""gradcheck is public and strict, and users' own primitives work exactly like built-in ones."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.primitive import REGISTRY
from chainrule.testing import GradcheckError


def declare(name, factor=1.0, jvp_factor=1.0):
    """A user primitive for x·sin(x), with its rules optionally off by a factor."""
    REGISTRY.pop(name, None)
    return cr.primitive(
        name,
        lambda x: x * np.sin(x),
        vjp=lambda grad_out, out, x: grad_out * (cr.sin(x) + x * cr.cos(x)) * factor,
        jvp=lambda x_dot, out, x: x_dot * (cr.sin(x) + x * cr.cos(x)) * jvp_factor,
        symbolic="x*sin(x)",
    )


def test_user_primitive_passes_gradcheck_to_second_order():
    op = declare("xsinx_example")
    assert cr.gradcheck(op, np.array([0.3, -1.2, 2.0]), order=2)


def test_user_primitive_works_in_both_modes_and_higher_order():
    op = declare("xsinx_modes")
    x = 0.7
    first = np.sin(x) + x * np.cos(x)
    assert float(cr.grad(op)(x)) == pytest.approx(first)
    assert float(cr.jvp(op, (x,), (1.0,))[1]) == pytest.approx(first)
    second = 2 * np.cos(x) - x * np.sin(x)
    assert float(cr.grad(cr.grad(op))(x)) == pytest.approx(second)


def test_user_primitive_is_recorded_under_its_name():
    op = declare("xsinx_named")
    y = op(cr.tensor(1.0, requires_grad=True))
    assert y.op == "xsinx_named"


def test_gradcheck_catches_a_reverse_rule_off_by_a_thousandth():
    op = declare("xsinx_bad_vjp", factor=1.001)
    with pytest.raises(GradcheckError, match="reverse mode .* argument 0"):
        cr.gradcheck(op, np.array([0.3, 1.2]))


def test_gradcheck_catches_a_forward_rule_off_by_a_thousandth():
    op = declare("xsinx_bad_jvp", jvp_factor=1.001)
    with pytest.raises(GradcheckError, match="forward mode"):
        cr.gradcheck(op, np.array([0.3, 1.2]))


def test_gradcheck_catches_a_wrong_second_derivative():
    REGISTRY.pop("square_bad_second", None)
    # The first derivative is right at the point, but written with constants where the second
    # derivative needs the input: 2·x computed as 2·x.detach() loses d²/dx² = 2.
    op = cr.primitive(
        "square_bad_second", lambda x: x * x,
        vjp=lambda grad_out, out, x: grad_out * 2 * getattr(x, "_data", x),
        jvp=lambda x_dot, out, x: x_dot * 2 * x,
        symbolic="x**2",
    )
    assert cr.gradcheck(op, np.array([0.5, 1.5]), order=1)
    with pytest.raises(GradcheckError, match="gradient"):
        cr.gradcheck(op, np.array([0.5, 1.5]), order=2)


def test_gradcheck_report_names_argument_entry_and_values():
    op = declare("xsinx_report", factor=1.01)
    with pytest.raises(GradcheckError) as info:
        cr.gradcheck(lambda a, b: op(a) * b, np.array([0.5]), np.array([2.0]))
    message = str(info.value)
    assert "argument 0" in message and "entry (0, 0)" in message and " vs " in message


def test_gradcheck_warns_on_float32():
    with pytest.warns(UserWarning, match="float32"):
        cr.gradcheck(cr.sin, np.array([0.5], dtype=np.float32))


def test_gradcheck_needs_a_floating_argument():
    with pytest.raises(ValueError, match="floating"):
        cr.gradcheck(lambda n: cr.tensor(1.0), 3)
