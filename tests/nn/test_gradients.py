"""Gradients of whole models: finite differences via gradcheck, and float32 end to end."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn

RNG = np.random.default_rng(5)


def as_function_of_weights(model, x):
    """The model's output as a function of its parameters, in named_parameters order."""
    names = [name for name, _ in model.named_parameters()]

    def output(*weights):
        return nn.functional_call(model, dict(zip(names, weights, strict=True)), x)

    return output, [p.detach().numpy() for p in model.parameters()]


def test_mlp_gradients_match_finite_differences():
    model = nn.Sequential(
        nn.Linear(3, 4, dtype=np.float64), nn.Tanh(), nn.Linear(4, 2, dtype=np.float64)
    )
    f, weights = as_function_of_weights(model, RNG.normal(size=(5, 3)))
    assert cr.gradcheck(f, *weights)


def test_batch_norm_gradients_in_training_match_finite_differences():
    model = nn.Sequential(
        nn.Linear(3, 4, dtype=np.float64),
        nn.BatchNorm1d(4, dtype=np.float64),
        nn.Sigmoid(),
        nn.Linear(4, 2, dtype=np.float64),
    )
    f, weights = as_function_of_weights(model, RNG.normal(size=(6, 3)))
    assert cr.gradcheck(f, *weights)


def test_cnn_gradients_match_finite_differences():
    model = nn.Sequential(
        nn.Conv2d(2, 3, 2, padding=1, dtype=np.float64),
        nn.Tanh(),
        nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(12, 2, dtype=np.float64),
    )
    f, weights = as_function_of_weights(model, RNG.normal(size=(2, 2, 3, 3)))
    assert cr.gradcheck(f, *weights, order=1)


def test_loss_gradient_wrt_weights_matches_finite_differences():
    model = nn.Sequential(nn.Linear(3, 3, dtype=np.float64), nn.GELU())
    x, labels = RNG.normal(size=(4, 3)), np.array([0, 2, 1, 1])
    names = [name for name, _ in model.named_parameters()]

    def loss(weight, bias):
        logits = nn.functional_call(model, {names[0]: weight, names[1]: bias}, x)
        return nn.CrossEntropyLoss()(logits, labels)

    assert cr.gradcheck(loss, *[p.detach().numpy() for p in model.parameters()])


def test_backward_fills_the_same_gradients_as_grad_of_functional_call():
    model = nn.Sequential(nn.Linear(3, 2, dtype=np.float64), nn.ReLU())
    x = RNG.normal(size=(4, 3))
    model(x).sum().backward()
    f, weights = as_function_of_weights(model, x)
    grads = cr.grad(lambda w, b: f(w, b).sum(), argnums=(0, 1))(*weights)
    for p, expected in zip(model.parameters(), grads, strict=True):
        np.testing.assert_allclose(p.grad.numpy(), np.asarray(expected), rtol=1e-12)


def test_functional_call_leaves_the_module_unchanged():
    layer = nn.Linear(2, 1)
    weight = layer.weight
    out = nn.functional_call(
        layer, {"weight": cr.tensor(np.zeros((1, 2), np.float32))}, np.ones((1, 2), np.float32)
    )
    np.testing.assert_array_equal(out.numpy(), layer.bias.numpy()[None])
    assert layer.weight is weight
    with pytest.raises(KeyError, match="Linear has no parameter or buffer named 'weights'"):
        nn.functional_call(layer, {"weights": np.zeros((1, 2))}, np.ones((1, 2)))
    assert layer.weight is weight


def test_float32_model_keeps_float32_in_forward_and_in_every_gradient():
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.LeakyReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(4 * 3 * 3, 8),
        nn.BatchNorm1d(8),
        nn.GELU(),
        nn.Linear(8, 3),
        nn.LogSoftmax(dim=1),
    )
    x = cr.tensor(RNG.normal(size=(5, 1, 6, 6)).astype(np.float32), requires_grad=True)
    out = model(x)
    loss = nn.NLLLoss()(out, [0, 1, 2, 0, 1])
    assert out.dtype == np.float32 and loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32
    for name, p in model.named_parameters():
        assert p.grad is not None and p.grad.dtype == np.float32, name
        assert p.dtype == np.float32, name
    assert all(b.dtype in (np.float32, np.int64) for b in model.buffers())
