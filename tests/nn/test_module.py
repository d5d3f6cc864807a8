"""Module: registration by assignment, dotted names, traversal, modes, printing."""

import copy

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
        self.scale = nn.Parameter(np.ones(2, dtype=np.float32))
        self.register_buffer("count", np.zeros(2))
        self.note = "a plain attribute"

    def forward(self, x):
        return self.body(x) * self.scale


def test_parameter_requires_grad_and_keeps_its_dtype():
    p = nn.Parameter(np.zeros(3, dtype=np.float32))
    assert p.requires_grad and p.is_leaf and p.grad is None
    assert p.dtype == np.float32
    assert isinstance(p, cr.Tensor)


def test_parameter_repr_wraps_the_tensor_repr():
    assert repr(nn.Parameter(np.zeros(2, dtype=np.float32))) == (
        "Parameter(tensor([0., 0.], dtype=float32))"
    )
    assert repr(nn.Parameter([1.0, 2.0], requires_grad=False)) == (
        "Parameter(tensor([1., 2.]), requires_grad=False)"
    )
    assert repr(nn.Parameter(np.eye(2))) == (
        "Parameter(tensor([[1., 0.],\n                  [0., 1.]]))"
    )


def test_parameter_copies_its_data_and_drops_the_graph():
    source = np.zeros(2)
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    p = nn.Parameter(source)
    source[0] = 5.0
    assert p.numpy()[0] == 0.0
    assert nn.Parameter(x * 2).is_leaf


def test_operations_on_a_parameter_give_plain_tensors_and_fill_its_grad():
    p = nn.Parameter(np.array([1.0, 2.0]))
    y = (p * p).sum()
    assert type(y) is cr.Tensor
    y.backward()
    np.testing.assert_array_equal(p.grad.numpy(), [2.0, 4.0])


def test_named_parameters_use_dotted_names_in_registration_order():
    names = [name for name, _ in Block().named_parameters()]
    assert names == ["scale", "body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias"]


def test_parameters_and_buffers_are_found_by_attribute():
    block = Block()
    assert block.body[0].weight is dict(block.named_parameters())["body.0.weight"]
    assert [name for name, _ in block.named_buffers()] == ["count"]
    assert isinstance(block.count, cr.Tensor) and not block.count.requires_grad
    assert block.note == "a plain attribute"


def test_shared_parameter_appears_once_in_parameters():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.Tanh(), shared)
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert model.num_parameters() == 6
    all_names = [name for name, _ in model.named_parameters(remove_duplicate=False)]
    assert all_names == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_children_and_modules_walk_the_tree_once_each():
    block = Block()
    assert list(block.children()) == [block.body]
    assert [name for name, _ in block.named_modules()] == ["", "body", "body.0", "body.1", "body.2"]
    assert len(list(block.modules())) == 5
    assert block.get_submodule("body.2") is block.body[2]
    with pytest.raises(AttributeError, match="Sequential has no submodule '7'"):
        block.get_submodule("body.7")


def test_non_recursive_parameters_are_the_module_own():
    assert [name for name, _ in Block().named_parameters(recurse=False)] == ["scale"]


def test_reassigning_a_parameter_replaces_it_in_place_in_the_order():
    layer = nn.Linear(2, 3)
    layer.weight = nn.Parameter(np.zeros((3, 2), dtype=np.float32))
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    assert layer.weight.numpy().sum() == 0


def test_assigning_a_plain_tensor_to_a_parameter_slot_is_refused():
    layer = nn.Linear(2, 3)
    with pytest.raises(
        TypeError, match="cannot assign a Tensor to 'weight' of Linear: it holds a Parameter"
    ):
        layer.weight = cr.tensor(np.zeros((3, 2)))


def test_a_parameter_slot_can_be_emptied_with_none():
    layer = nn.Linear(2, 3)
    layer.bias = None
    assert [name for name, _ in layer.named_parameters()] == ["weight"]


def test_assigning_before_init_says_to_call_super_init():
    class Forgetful(nn.Module):
        def __init__(self):
            self.weight = nn.Parameter(np.zeros(1))

    with pytest.raises(
        AttributeError,
        match=r"call super\(\).__init__\(\) first in "
        r"Forgetful.__init__",
    ):
        Forgetful()


def test_register_buffer_rejects_a_dotted_name():
    with pytest.raises(ValueError, match="without '.', got 'a.b'"):
        nn.Module().register_buffer("a.b", np.zeros(1))


def test_deleting_a_registered_attribute_unregisters_it():
    block = Block()
    del block.scale
    assert "scale" not in dict(block.named_parameters())
    with pytest.raises(AttributeError, match="'Block' object has no attribute 'scale'"):
        _ = block.scale


def test_train_and_eval_propagate_to_every_submodule():
    block = Block()
    assert all(m.training for m in block.modules())
    assert block.eval() is block
    assert not any(m.training for m in block.modules())
    block.train()
    assert all(m.training for m in block.modules())


def test_zero_grad_sets_every_grad_to_none():
    block = Block()
    block(np.ones((2, 3), dtype=np.float32)).sum().backward()
    assert all(p.grad is not None for p in block.parameters())
    block.zero_grad()
    assert all(p.grad is None for p in block.parameters())


def test_requires_grad_false_freezes_every_parameter():
    block = Block().requires_grad_(False)
    assert not any(p.requires_grad for p in block.parameters())
    assert not block(np.ones((1, 3), dtype=np.float32)).requires_grad


def test_calling_a_module_calls_forward():
    layer = nn.Linear(2, 1)
    x = np.ones((1, 2), dtype=np.float32)
    np.testing.assert_array_equal(layer(x).numpy(), layer.forward(x).numpy())


def test_a_module_without_forward_says_so():
    with pytest.raises(NotImplementedError, match="Module does not define forward()"):
        nn.Module()(1.0)


def test_repr_is_an_indented_tree():
    model = nn.Sequential(
        nn.Linear(64, 128),
        nn.ReLU(),
        nn.Dropout(0.1),
        nn.Sequential(nn.Linear(128, 10, bias=False), nn.LogSoftmax(dim=1)),
    )
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=64, out_features=128, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Dropout(p=0.1)\n"
        "  (3): Sequential(\n"
        "    (0): Linear(in_features=128, out_features=10, bias=False)\n"
        "    (1): LogSoftmax(dim=1)\n"
        "  )\n"
        ")"
    )


def test_repr_shows_settings_and_named_children():
    block = Block()
    assert repr(block).startswith("Block(\n  (body): Sequential(\n    (0): Linear(")
    assert repr(nn.LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"
    assert repr(nn.GELU("tanh")) == "GELU(approximate='tanh')"
    assert repr(nn.Conv2d(1, 2, 3, bias=False)) == (
        "Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1), bias=False)"
    )
    assert repr(nn.AvgPool2d(2)) == "AvgPool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))"
    assert repr(nn.MSELoss(reduction="sum")) == "MSELoss(reduction='sum')"
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"


def test_apply_visits_children_first_then_self():
    visited = []
    Block().apply(lambda m: visited.append(type(m).__name__))
    assert visited == ["Linear", "ReLU", "Linear", "Sequential", "Block"]


def test_to_converts_parameters_and_buffers_keeping_the_objects():
    block = Block()
    weight = block.body[0].weight
    block.to(np.float64)
    assert block.body[0].weight is weight and weight.dtype == np.float64
    assert block.count.dtype == np.float64
    assert block(np.ones((1, 3))).dtype == np.float64
    with pytest.raises(TypeError, match="to\\(dtype\\) converts to a floating dtype, got int32"):
        block.to(np.int32)


def test_deepcopy_copies_parameters_and_keeps_sharing():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, shared)
    twin = copy.deepcopy(model)
    assert twin[0] is twin[1]
    assert isinstance(twin[0].weight, nn.Parameter) and twin[0].weight is not shared.weight
    np.testing.assert_array_equal(twin[0].weight.numpy(), shared.weight.numpy())


def test_module_list_registers_its_items():
    blocks = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
    blocks.append(nn.Tanh())
    assert len(blocks) == 3 and isinstance(blocks[-1], nn.Tanh)
    assert [name for name, _ in blocks.named_parameters()] == [
        "0.weight",
        "0.bias",
        "1.weight",
        "1.bias",
    ]
    blocks[0] = nn.Identity()
    assert [name for name, _ in blocks.named_children()] == ["0", "1", "2"]
    with pytest.raises(IndexError, match="ModuleList index 3 is out of range for 3 modules"):
        blocks[3]


def test_sequential_indexing_slicing_and_append():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert isinstance(model[-1], nn.Linear)
    head = model[:2]
    assert isinstance(head, nn.Sequential) and head[0] is model[0]
    assert head(np.ones((1, 2), dtype=np.float32)).shape == (1, 3)
    model.append(nn.Sigmoid())
    assert len(model) == 4 and list(model)[3] is model[3]


def test_sequential_refuses_something_that_is_not_a_module():
    with pytest.raises(TypeError, match="add_module: '1' must be a Module or None, got function"):
        nn.Sequential(nn.ReLU(), lambda x: x)
