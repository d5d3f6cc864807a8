"""The engine's fast paths give the same answers and refusals as the general ones: the stale-view
check skipped until a tensor can be stale, reused engine states, and the layout a transposed
matmul operand's gradient is computed in."""

import gc
import subprocess
import sys
import weakref

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.engine_state import current, enter, leave


def test_the_first_write_through_a_view_in_a_process_is_still_refused():
    # record skips the per-op stale check until some recorded write could make a tensor stale:
    # in a fresh process that write is the first, and the read after it must still be refused.
    script = (
        "import chainrule as cr\n"
        "x = cr.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"
        "a = x * 1.0\n"
        "v = a[1:]\n"
        "v *= 2.0\n"
        "try:\n"
        "    cr.sum(a * a)\n"
        "except RuntimeError as error:\n"
        "    print('refused' if 'no longer holds its value' in str(error) else error)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == "refused", done.stderr


def test_a_state_entered_again_is_the_same_object_and_leaving_restores_exactly():
    before = current()
    first = enter(grad_enabled=False, sweeps=before.sweeps + 1)
    inside = current()
    leave(first)
    again = enter(grad_enabled=False, sweeps=before.sweeps + 1)
    assert current() is inside and not inside.grad_enabled
    leave(again)
    assert current() is before


def test_a_change_to_an_object_is_not_kept_for_reuse():
    hook = lambda *args: None  # noqa: E731
    token = enter(op_hooks=(hook,))
    assert current().op_hooks == (hook,)
    leave(token)
    assert not current().derived_states or all(
        state.op_hooks == () for state in current().derived_states.values()
    )


def test_linear_weight_gradient_is_exact_and_in_the_weights_own_layout():
    layer = nn.Linear(5, 3)
    x = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    out = layer(cr.tensor(x))
    grad_out = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    out.backward(grad_out)
    grad_w = layer.weight.grad.numpy()
    np.testing.assert_allclose(grad_w, grad_out.T @ x, rtol=1e-5, atol=1e-6)
    assert grad_w.flags.c_contiguous


@pytest.mark.parametrize("create_graph", [False, True])
def test_matmul_against_a_transposed_operand_differentiates_to_second_order(create_graph):
    rng = np.random.default_rng(2)
    w = cr.tensor(rng.standard_normal((3, 5)), requires_grad=True)
    x = rng.standard_normal((4, 5))

    def loss(weight):
        return cr.sum(cr.tanh(cr.matmul(cr.tensor(x), cr.transpose(weight))) ** 2)

    assert cr.gradcheck(loss, w.detach())
    if create_graph:
        assert cr.gradcheck(cr.grad(loss), w.detach())


def test_a_step_on_numbers_does_not_keep_its_input_tensors_alive():
    # A node whose inputs are NumPy scalars keeps their values and parents, not the tensors:
    # the intermediate tensor dies with its name, and the gradient still flows through it.
    x = cr.tensor(2.0, requires_grad=True)
    a = x * 3.0
    alive = weakref.ref(a)
    y = cr.sin(a)
    del a
    gc.collect()
    assert alive() is None
    y.backward()
    assert x.grad.item() == pytest.approx(3 * np.cos(6.0), rel=1e-15)


def test_a_recorded_backward_through_steps_on_numbers_gives_the_second_derivative():
    x = cr.tensor(0.7, requires_grad=True)
    y = cr.sin(x) * x  # y' = cos x · x + sin x, y'' = 2 cos x − x sin x
    y.backward(create_graph=True)
    first = x.grad
    assert first.item() == pytest.approx(np.cos(0.7) * 0.7 + np.sin(0.7), rel=1e-14)
    x.grad = None
    first.backward()
    assert x.grad.item() == pytest.approx(2 * np.cos(0.7) - 0.7 * np.sin(0.7), rel=1e-14)


def test_a_number_written_after_use_leaves_the_recorded_value_but_an_array_is_refused():
    # A write replaces a 0-d tensor's NumPy scalar: the step's saved value is the one the
    # forward used, so the gradient is exact. An array is written where the step saved it.
    x = cr.tensor(2.0, requires_grad=True)
    y = cr.sin(x * 1.0)
    with cr.no_grad():
        x += 1.0
    y.backward()
    assert x.grad.item() == pytest.approx(np.cos(2.0), rel=1e-15)

    v = cr.tensor([2.0, 3.0], requires_grad=True)
    w = v * 1.0
    z = cr.sum(cr.sin(w))
    with cr.no_grad():
        w += 1.0
    with pytest.raises(RuntimeError, match="modified in place"):
        z.backward()
