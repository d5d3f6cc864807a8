"""Graph semantics: accumulation, freeing, retain_graph, no_grad, deep graphs, in-place updates."""

import gc
import weakref

import numpy as np
import pytest

import chainrule as cr


def test_backward_accumulates_at_fan_out():
    x = cr.tensor(3.0, requires_grad=True)
    y = x * x + x  # x reaches y along three paths: 2x + 1
    y.backward()
    assert x.grad.item() == 7.0


def test_gradients_accumulate_across_backward_calls():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3 + 2, 3 + 4])


def test_second_backward_through_freed_graph_mentions_retain_graph():
    x = cr.tensor(2.0, requires_grad=True)
    y = cr.exp(x)
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = cr.tensor(2.0, requires_grad=True)
    y = cr.exp(x)
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == pytest.approx(2 * np.exp(2.0))


def test_non_scalar_backward_without_grad_names_the_shape():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(2,\)"):
        (x * 2).backward()


def test_backward_with_grad_is_a_vector_jacobian_product():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    (x * x).backward(grad=np.array([10.0, 1.0]))
    np.testing.assert_array_equal(x.grad.numpy(), [20.0, 4.0])


def test_backward_grad_of_wrong_shape_is_refused():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"shape \(2,\).*shape \(3,\)"):
        (x * x).backward(grad=np.ones(3))


def test_backward_on_a_constant_explains_requires_grad():
    with pytest.raises(RuntimeError, match="requires_grad=True"):
        cr.tensor(1.0).backward()


def test_no_grad_records_nothing():
    x = cr.tensor(1.0, requires_grad=True)
    with cr.no_grad():
        y = x * 2
    assert not y.requires_grad and y.is_leaf
    assert (x * 2).requires_grad


def test_no_grad_works_as_a_decorator():
    @cr.no_grad()
    def double(t):
        return t * 2

    assert not double(cr.tensor(1.0, requires_grad=True)).requires_grad


def test_saved_values_are_released_after_backward():
    x = cr.tensor(np.ones(1000), requires_grad=True)
    y = cr.exp(x)
    node = y.node
    y.sum().backward()
    assert node.released and node.inputs is None and node.out is None


def test_graph_is_freed_when_unreferenced():
    x = cr.tensor(np.ones(10), requires_grad=True)
    y = cr.sin(cr.exp(x))
    ref = weakref.ref(y.node)
    del y
    gc.collect()
    assert ref() is None


def test_a_chain_of_100000_ops_differentiates_without_recursion():
    x = cr.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad.item() == 1.0


def test_a_100000_deep_graph_is_freed_without_recursion_error():
    x = cr.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = cr.sin(y)
    ref = weakref.ref(y.node)
    del y  # dropping the head frees the chain node by node, with no recursion
    gc.collect()
    assert ref() is None


def test_detach_gives_a_constant_sharing_memory():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad
    assert np.shares_memory(d.numpy(), x.numpy())


def test_integer_tensor_cannot_require_grad():
    with pytest.raises(TypeError, match="int64"):
        cr.tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError, match="bool"):
        cr.tensor([True]).requires_grad_()


def test_requires_grad_cannot_be_changed_on_a_computed_tensor():
    y = cr.tensor(1.0, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False


class TestInPlace:
    def test_iadd_inside_a_graph_is_differentiated(self):
        x = cr.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1.0
        y += x * x
        y.sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), [3.0, 5.0])

    def test_imul_keeps_the_old_value_for_the_product_rule(self):
        x = cr.tensor([1.0, 2.0], requires_grad=True)
        y = x + 0.0
        y *= x  # y = x², gradient 2x
        y.sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])

    def test_setitem_inside_a_graph_is_differentiated(self):
        x = cr.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1.0
        y[0] = y[1] * 3  # y = [3·x1, x1]
        y.sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), [0.0, 4.0])

    def test_setitem_of_a_tensor_value_into_a_constant(self):
        w = cr.tensor(2.0, requires_grad=True)
        buffer = cr.tensor(np.zeros(3))
        buffer[1] = w * w
        buffer.sum().backward()
        assert w.grad.item() == 4.0

    def test_leaf_that_requires_grad_cannot_be_updated_while_recording(self):
        x = cr.tensor([1.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="no_grad"):
            x += 1
        with pytest.raises(RuntimeError, match="no_grad"):
            x[0] = 5.0

    def test_optimizer_style_update_in_no_grad_writes_the_same_array(self):
        x = cr.tensor([1.0, 2.0], requires_grad=True)
        array = x.numpy()
        (x * x).sum().backward()
        with cr.no_grad():
            x -= 0.5 * x.grad
        assert x.is_leaf and x.requires_grad
        np.testing.assert_array_equal(array, [0.0, 0.0])  # written in place

    def test_changing_a_saved_output_raises_at_backward(self):
        x = cr.tensor([1.0, 2.0], requires_grad=True)
        y = cr.exp(x)  # exp's rule reads its output
        with cr.no_grad():
            y += 1
        with pytest.raises(RuntimeError, match="modified in place"):
            y.sum().backward()

    def test_changing_a_saved_input_raises_at_backward(self):
        w = cr.tensor([1.0, 2.0], requires_grad=True)
        x = cr.tensor([3.0, 4.0])
        y = x * w  # the gradient for w needs x
        x[0] = 100.0
        with pytest.raises(RuntimeError, match="modified in place"):
            y.sum().backward()

    def test_changing_a_saved_input_through_a_detached_alias_raises(self):
        w = cr.tensor([1.0, 2.0], requires_grad=True)
        y = cr.sin(w)
        with cr.no_grad():
            w.detach()[0] = 7.0
        with pytest.raises(RuntimeError, match="modified in place"):
            y.sum().backward()

    def test_update_of_a_value_no_rule_reads_is_allowed(self):
        x = cr.tensor([1.0, 2.0], requires_grad=True)
        y = x + 1.0  # add reads neither input nor output
        with cr.no_grad():
            y *= 2
        y.sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])

    def test_in_place_on_a_0d_tensor(self):
        x = cr.tensor(np.float32(1.5))
        x += 1
        assert x.item() == 2.5 and x.dtype == np.float32

    def test_in_place_follows_numpy_casting(self):
        x = cr.tensor([1, 2])
        with pytest.raises(TypeError):
            x += 0.5


def test_create_graph_gives_a_gradient_that_can_be_differentiated_again():
    x = cr.tensor(2.0, requires_grad=True)
    y = x * x * x
    y.backward(create_graph=True)
    first = x.grad
    assert first.item() == 12.0 and first.requires_grad
    x.grad = None
    first.backward()
    assert x.grad.item() == 12.0  # d²/dx² x³ = 6x


def test_writing_through_a_slice_view_is_seen_by_the_backward_check():
    w = cr.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = cr.exp(w)  # exp's rule reads its output
    with cr.no_grad():
        part = y[0:2]  # a view of y's array
        part *= 10
    with pytest.raises(RuntimeError, match="modified in place"):
        y.sum().backward()


def test_writing_through_a_reshaped_view_is_seen_by_the_backward_check():
    w = cr.tensor([1.0, 2.0], requires_grad=True)
    x = cr.tensor([3.0, 4.0])
    y = x * w
    flat = x.reshape(2, 1)
    flat[0, 0] = 5.0
    with pytest.raises(RuntimeError, match="modified in place"):
        y.sum().backward()


def test_a_graph_holds_its_inputs_versions_not_the_tensors():
    # sin reads its input array: the node keeps the array and a weak reference to the tensor
    # that counts writes into it, so the tensor in between dies with its name.
    x = cr.tensor([0.5, 1.0], requires_grad=True)
    between = cr.sin(x)
    alive = weakref.ref(between)
    y = cr.sin(between)
    del between
    assert alive() is None
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.cos(np.sin([0.5, 1.0])) * np.cos([0.5, 1.0]))


def test_a_write_into_a_saved_input_through_its_base_is_seen_after_the_view_is_gone():
    x = cr.tensor([0.5, 1.0, 1.5], requires_grad=True)
    whole = x * 1
    part = whole[0:2]
    y = cr.sin(part)  # keeps part's array, a view of whole's
    del part
    whole[0] = 5.0  # written through the base: the view's version owner
    with pytest.raises(RuntimeError, match="'sin' saved for the backward pass .its input 0. was "
                                           "modified in place"):
        y.sum().backward()


def test_each_leaf_gets_a_gradient_array_of_its_own():
    a = cr.tensor([1.0, 2.0], requires_grad=True)
    b = cr.tensor([3.0, 4.0], requires_grad=True)
    seed = np.ones(2)
    (a + b).backward(grad=seed)  # add hands the same array to both inputs
    a.grad.numpy()[0] = 100.0
    assert b.grad.numpy()[0] == 1.0 and seed[0] == 1.0


def test_gradient_of_a_broadcast_input_is_writable():
    w = cr.tensor(2.0, requires_grad=True)
    x = cr.tensor(np.ones((3, 2)), requires_grad=True)
    (x * w).sum().backward()
    x.grad.numpy()[0, 0] = 5.0  # a broadcast view would refuse this write
    assert x.grad.numpy()[1, 0] == 2.0
