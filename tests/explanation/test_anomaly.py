"""detect_anomaly: the first NaN or inf is named, with the values that made it and the fix."""

import re
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.engine_state import current
from chainrule.explanation import AnomalyError, detect_anomaly

WHERE_HINT = (
    "  hint: `where` did not select this branch here, so the gradient reaching sqrt is 0; but "
    "sqrt's derivative is still computed there, and 0 · inf = nan. Keep the branch that is not "
    "selected away from its bad point with a second where on its input (the double-where "
    "pattern): where(x > 0, sqrt(where(x > 0, x, 1)), 0)"
)
SQRT_IN_WHERE = "\n".join(
    [
        "the backward pass produced nan at step 2 of the sweep, going back through v1 = sqrt(x0) "
        "to x0",
        "  gradient arriving at v1 · ∂v1/∂x0 = 0 · inf = nan",
        "  ∂v1/∂x0 = 1/(2*sqrt(x)) with x = 0",
        WHERE_HINT,
    ]
)
EXP_HINT = (
    "exp overflows above about x = {}. Work in log space: logsumexp(x) for log(sum(exp(x))), "
    "softplus(x) for log(1 + exp(x)), softmax and log_softmax (they subtract the maximum first) "
    "for exp(x) / sum(exp(x))"
)


class Reported:
    """An AnomalyError read as these tests compare it: its message without the line that names
    the user's source line (checked here: it names this file), and its fields."""

    def __init__(self, error):
        first, site, *rest = str(error).split("\n")
        if re.match(r"  (in your code|the op was made in your code) at ", site):
            assert re.match(r"  .* at test_anomaly\.py, line \d+", site), site
        else:  # an op recorded before detect_anomaly started: its line is not known
            rest, site = [site, *rest], None
        self.text = "\n".join([first, *rest])
        self.site = site
        self.phase, self.op, self.index, self.value = (
            error.phase, error.op, error.index, error.value)

    def __str__(self):
        return self.text


def anomaly(f, *args):
    """The AnomalyError that ``f(*args)`` raises inside detect_anomaly, as :class:`Reported`."""
    with pytest.raises(AnomalyError) as caught:
        with detect_anomaly():
            f(*args)
    return Reported(caught.value)


def test_the_error_names_the_users_line_that_made_the_op():
    x = cr.tensor(0.0, requires_grad=True)
    with pytest.raises(AnomalyError) as caught:
        with detect_anomaly():
            y = cr.log(x)  # the forward anomaly: this line
    assert re.fullmatch(r"  in your code at test_anomaly\.py, line \d+: y = cr\.log\(x\)  "
                        r"# the forward anomaly: this line", str(caught.value).split("\n")[1])
    with pytest.raises(AnomalyError) as caught:
        with detect_anomaly():
            y = cr.where(x > 0, cr.sqrt(x), x)  # made here, NaN on the way back
            y.backward()
    assert "the op was made in your code at test_anomaly.py" in str(caught.value)
    assert "y = cr.where(x > 0, cr.sqrt(x), x)  # made here" in str(caught.value)


def test_nan_explainer_names_sqrt_in_where_at_zero():
    x = cr.tensor(0.0, requires_grad=True)
    error = anomaly(lambda: cr.where(x > 0, cr.sqrt(x), x).backward())
    assert str(error) == SQRT_IN_WHERE
    assert (error.phase, error.op, error.index) == ("backward", "sqrt", ())
    assert np.isnan(error.value)


def test_sqrt_in_where_is_found_through_grad_and_hessian():
    def f(x):
        return cr.where(x > 0, cr.sqrt(x), 0.0)

    assert str(anomaly(cr.grad(f), 0.0)) == SQRT_IN_WHERE
    # The hessian's first sweep is recorded: its rules run on tensors, and the NaN is still
    # reported once, as the contribution that made it.
    assert str(anomaly(cr.hessian(f), 0.0)) == SQRT_IN_WHERE


def test_forward_log_of_zero_names_log_and_shows_the_entry():
    x = cr.tensor([0.5, 0.0, 2.0], requires_grad=True)
    error = anomaly(cr.log, x)
    assert str(error) == "\n".join(
        [
            "the forward pass produced -inf at v1 = log(x0), at index (1,) of shape (3,)",
            "  log(0) = -inf",
            "  hint: log(0) = -inf, and log below 0 is nan: the input reached the edge of the "
            "domain (x > 0), e.g. a probability that underflowed to 0. Clip it (clip(x, 1e-12, "
            "None)), or stay in log space: log_softmax instead of log(softmax(x)), logsumexp "
            "instead of log(sum(exp(x))), log1p(x) for log(1 + x)",
        ]
    )
    assert (error.phase, error.op, error.index, error.value) == ("forward", "log", (1,), -np.inf)


def test_overflow_in_exp_suggests_log_space():
    error = anomaly(cr.exp, cr.tensor(1000.0, requires_grad=True))
    assert str(error) == "\n".join(
        [
            "the forward pass produced inf at v1 = exp(x0)",
            "  exp(1000) = inf",
            "  hint: the result is beyond the largest float64 (1.79769e+308): "
            + EXP_HINT.format("709.78"),
        ]
    )


def test_overflow_threshold_follows_the_dtype():
    error = anomaly(cr.exp, cr.tensor(np.float32(100.0)))
    assert str(error).splitlines()[:2] == [
        "the forward pass produced inf at v1 = exp(100)",
        "  exp(100) = inf",
    ]
    assert str(error).endswith("largest float32 (3.40282e+38): " + EXP_HINT.format("88.72"))


def test_division_by_zero_shows_the_operands_and_the_guard():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    error = anomaly(lambda: x / cr.tensor([4.0, 0.0]))
    assert str(error) == "\n".join(
        [
            "the forward pass produced inf at v1 = divide(x0, <constant of shape (2,)>), at index "
            "(1,) of shape (2,)",
            "  divide(2, 0) = inf",
            "  hint: division by zero: x / 0 is ±inf and 0 / 0 is nan. Guard the denominator with "
            "the double-where pattern, where(y != 0, x / where(y != 0, y, 1), 0), or keep it away "
            "from 0 with a small epsilon (x / (y + 1e-12) when y ≥ 0)",
        ]
    )


def test_infinite_derivative_with_a_nonzero_gradient():
    error = anomaly(cr.grad(cr.sqrt), 0.0)
    assert str(error) == "\n".join(
        [
            "the backward pass produced inf at step 1 of the sweep, going back through "
            "v1 = sqrt(x0) to x0",
            "  gradient arriving at v1 · ∂v1/∂x0 = 1 · inf = inf",
            "  ∂v1/∂x0 = 1/(2*sqrt(x)) with x = 0",
            "  hint: sqrt's derivative is inf at this input: sqrt is not differentiable there. "
            "Keep the input away from that point (clip it, or add a small epsilon: "
            "sqrt(x + 1e-12)), or skip it with the double-where pattern, "
            "where(x > 0, sqrt(where(x > 0, x, 1)), 0)",
        ]
    )


def test_zero_times_inf_without_where_gets_the_general_hint():
    error = anomaly(cr.grad(lambda x: cr.maximum(cr.sqrt(x), 1.0)), 0.0)
    lines = str(error).splitlines()
    assert lines[1] == "  gradient arriving at v1 · ∂v1/∂x0 = 0 · inf = nan"
    assert lines[3].startswith(
        "  hint: the gradient reaching sqrt is 0 here (the result does not depend on this entry: "
        "a masked entry, a relu that is off, a where branch that was not selected), but sqrt's "
        "local derivative is inf, and 0 · inf = nan."
    )


def test_overflowing_gradient_shows_both_factors():
    error = anomaly(cr.grad(lambda x: x * 1e300 * 1e10), 1e-300)
    assert str(error).splitlines()[:3] == [
        "the backward pass produced inf at step 2 of the sweep, going back through "
        "v1 = multiply(x0, 1e+300) to x0",
        "  gradient arriving at v1 · ∂v1/∂x0 = 1e+10 · 1e+300 = inf",
        "  ∂v1/∂x0 = y with x = 1e-300, y = 1e+300",
    ]


def test_array_reports_the_first_bad_entry_and_its_inputs():
    x = cr.tensor([4.0, 0.0, 1.0, 0.0], requires_grad=True)
    error = anomaly(lambda: cr.where(x > 0, cr.sqrt(x), 0.0).sum().backward())
    assert str(error).splitlines()[0] == (
        "the backward pass produced nan at step 3 of the sweep, going back through "
        "v1 = sqrt(x0) to x0, at index (1,) of shape (4,)"
    )
    assert str(error).splitlines()[2] == "  ∂v1/∂x0 = 1/(2*sqrt(x)) with x = 0"
    assert error.index == (1,)


def test_matrix_index_in_the_forward_pass():
    x = cr.tensor([[1.0, 2.0], [-3.0, 4.0]], requires_grad=True)
    error = anomaly(cr.sqrt, x)
    assert str(error).splitlines()[:2] == [
        "the forward pass produced nan at v1 = sqrt(x0), at index (1, 0) of shape (2, 2)",
        "  sqrt(-3) = nan",
    ]


def test_jacobian_finds_the_bad_row():
    error = anomaly(
        cr.jacobian(lambda x: cr.where(x > 0, cr.sqrt(x), 0.0)), np.array([1.0, 0.0, 4.0])
    )
    assert (error.op, error.index) == ("sqrt", (1,))
    assert str(error).endswith(WHERE_HINT[len("  hint: ") :])


def test_forward_mode_tangent_is_checked():
    error = anomaly(cr.jvp, cr.sqrt, (0.0,), (1.0,))
    assert str(error).splitlines()[:3] == [
        "the forward-mode pass produced inf at v1 = sqrt(x0), from x0",
        "  ∂v1/∂x0 · tangent of x0 = inf · 1 = inf",
        "  ∂v1/∂x0 = 1/(2*sqrt(x)) with x = 0",
    ]


def test_reduction_of_an_empty_array_says_it_is_empty():
    error = anomaly(cr.logsumexp, cr.tensor(np.zeros((2, 0))), 1)
    assert str(error).splitlines()[2] == (
        "  hint: the input is empty, and logsumexp over no entries gives -inf. Reduce over an "
        "axis that has entries, or handle the empty case before this step"
    )


def test_steps_recorded_before_the_context_are_named_by_op_and_number():
    x = cr.tensor(0.0, requires_grad=True)
    y = cr.where(x > 0, cr.sqrt(x), x)
    error = anomaly(y.backward)
    assert re.match(
        r"the backward pass produced nan at step 2 of the sweep, going back "
        r"through sqrt#\d+ = sqrt\(x0\) to x0$",
        str(error).splitlines()[0],
    )


def test_nan_that_comes_in_with_the_input_is_not_blamed():
    x = cr.tensor([np.nan, 4.0], requires_grad=True)
    with detect_anomaly():
        y = (cr.sqrt(x) * 2).sum()
        y.backward()
    assert np.isnan(y.item()) and np.isnan(x.grad.numpy()[0])
    z = cr.tensor(1.0, requires_grad=True)
    with detect_anomaly():
        (z * 3).backward(np.float64(np.nan))
    assert np.isnan(z.grad.item())


def test_a_new_nan_next_to_an_incoming_one_is_found():
    error = anomaly(cr.log, cr.tensor([np.nan, 0.0]))
    assert (error.op, error.index, error.value) == ("log", (1,), -np.inf)


def test_finite_computations_raise_nothing():
    f = cr.nn.functional
    logits = cr.tensor([[-1000.0, 0.0, 1000.0], [3.0, -2.0, 0.5]], requires_grad=True)
    with detect_anomaly():
        loss = f.cross_entropy(logits, np.array([0, 2])) + cr.logsumexp(logits)
        loss = loss + cr.softplus(logits).sum() + cr.sigmoid(logits).sum()
        loss.backward()
        safe = lambda x: cr.where(x > 0, cr.sqrt(cr.where(x > 0, x, 1.0)), 0.0)  # noqa: E731
        assert float(cr.grad(safe)(0.0)) == 0.0
        assert float(cr.hessian(lambda x: cr.sin(x) * cr.exp(x))(0.5)) == pytest.approx(
            2 * np.cos(0.5) * np.exp(0.5)
        )
        cr.jacobian(cr.tanh)(np.array([0.0, 1.0]))
    assert np.isfinite(logits.grad.numpy()).all()


def test_numpy_warnings_are_silenced_inside_and_restored_after():
    before = np.geterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            error = anomaly(cr.log, cr.tensor(0.0))
            assert np.geterr()["divide"] == "raise"
    assert error.op == "log"
    assert np.geterr() == before


def watchers():
    """How many op hooks and sweep observers this thread has."""
    return len(current().op_hooks), len(current().observers)


def test_hooks_are_removed_on_exit_even_after_an_error():
    assert watchers() == (0, 0)
    with detect_anomaly():
        assert watchers() == (1, 1)
    assert watchers() == (0, 0)
    anomaly(cr.exp, cr.tensor(1e4))
    assert watchers() == (0, 0)
    with pytest.raises(ValueError, match="raised inside"):
        with detect_anomaly():
            raise ValueError("raised inside")
    assert watchers() == (0, 0)


def test_nested_contexts_restore_the_outer_one():
    with detect_anomaly():
        with detect_anomaly():
            assert watchers() == (2, 2)
        assert watchers() == (1, 1)
    assert watchers() == (0, 0)


def test_works_as_a_decorator():
    @detect_anomaly()
    def loss(x):
        return cr.log(x)

    assert loss(cr.tensor(2.0)).item() == pytest.approx(np.log(2.0))
    with pytest.raises(AnomalyError, match=r"forward pass produced -inf at v1 = log\(0\)"):
        loss(cr.tensor(0.0))
    assert watchers() == (0, 0) and loss.__name__ == "loss"


def test_anomaly_error_is_a_runtime_error_served_from_the_top_level():
    assert issubclass(AnomalyError, RuntimeError)
    assert cr.detect_anomaly is detect_anomaly
