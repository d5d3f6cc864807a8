"""Layers against NumPy: Linear, Conv2d, pooling, Flatten, activations, Dropout, losses."""

import math
import re

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.nn import functional as F

RNG = np.random.default_rng(11)


def normal(*shape, dtype=np.float32):
    return RNG.normal(size=shape).astype(dtype)


def numpy_conv2d(x, weight, bias, stride, padding):
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, _, h, w = x.shape
    f, _, kh, kw = weight.shape
    ho, wo = (h - kh) // stride + 1, (w - kw) // stride + 1
    out = np.zeros((n, f, ho, wo))
    for i in range(ho):
        for j in range(wo):
            window = x[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", window, weight)
    return out + bias[:, None, None]


# --- Linear -----------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_shape", [(), (5,), (2, 3)])
def test_linear_matches_numpy(batch_shape):
    layer = nn.Linear(4, 3)
    x = normal(*batch_shape, 4)
    expected = x @ layer.weight.numpy().T + layer.bias.numpy()
    out = layer(cr.tensor(x))
    assert out.shape == (*batch_shape, 3) and out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


def test_linear_without_bias_has_no_bias_parameter():
    layer = nn.Linear(4, 3, bias=False)
    assert layer.bias is None and [n for n, _ in layer.named_parameters()] == ["weight"]
    x = normal(2, 4)
    np.testing.assert_allclose(layer(x).numpy(), x @ layer.weight.numpy().T, rtol=1e-6)


def test_linear_names_expected_and_given_features():
    with pytest.raises(
        ValueError,
        match=r"^Linear\(in_features=4\) expected an input whose last "
        r"axis has 4 features, got shape \(2, 5\)$",
    ):
        nn.Linear(4, 3)(normal(2, 5))
    with pytest.raises(ValueError, match=r"got shape \(\)"):
        nn.Linear(4, 3)(np.float32(1.0))


def test_linear_refuses_an_input_of_another_dtype():
    message = (
        "Linear has float32 parameters but the input is float64; convert the input with "
        "x.astype('float32') or the module with module.to('float64')"
    )
    with pytest.raises(TypeError, match=f"^{re.escape(message)}$"):
        nn.Linear(2, 2)(np.ones((1, 2)))
    with pytest.raises(
        TypeError, match="the input is int64; convert the input with x.astype\\('float32'\\)$"
    ):
        nn.Linear(2, 2)(np.ones((1, 2), dtype=np.int64))


def test_linear_checks_its_arguments():
    with pytest.raises(ValueError, match="in_features must be an int >= 0, got -1"):
        nn.Linear(-1, 2)
    with pytest.raises(TypeError, match="parameters need a floating dtype .* got int64"):
        nn.Linear(2, 2, dtype=np.int64)


def test_float64_linear_stays_float64():
    layer = nn.Linear(3, 2, dtype=np.float64)
    assert layer.weight.dtype == np.float64 and layer(np.ones(3)).dtype == np.float64


# --- Conv2d and pooling -----------------------------------------------------------------------


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 1)])
def test_conv2d_matches_a_numpy_loop(stride, padding):
    layer = nn.Conv2d(3, 4, kernel_size=3, stride=stride, padding=padding)
    x = normal(2, 3, 7, 6)
    expected = numpy_conv2d(x, layer.weight.numpy(), layer.bias.numpy(), stride, padding)
    out = layer(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_conv2d_takes_one_unbatched_image_and_rectangular_kernels():
    layer = nn.Conv2d(2, 5, kernel_size=(1, 3), bias=False)
    assert layer.weight.shape == (5, 2, 1, 3)
    assert layer(normal(2, 4, 4)).shape == (5, 4, 2)


def test_conv2d_names_the_channel_mismatch():
    with pytest.raises(
        ValueError, match="conv2d: x has 2 channels, but weight of shape \\(4, 3, 3, 3\\)"
    ):
        nn.Conv2d(3, 4, 3)(normal(1, 2, 5, 5))


def test_pool_layers_match_the_functions():
    x = cr.tensor(normal(2, 3, 6, 6))
    np.testing.assert_array_equal(
        nn.MaxPool2d(3, stride=2, padding=1)(x).numpy(), F.max_pool2d(x, 3, 2, 1).numpy()
    )
    np.testing.assert_array_equal(nn.AvgPool2d(2)(x).numpy(), F.avg_pool2d(x, 2).numpy())
    assert nn.AvgPool2d(2)(x).dtype == np.float32


# --- shape and activations --------------------------------------------------------------------


def test_flatten_merges_all_but_the_batch_axis():
    x = normal(2, 3, 4, 5)
    np.testing.assert_array_equal(nn.Flatten()(cr.tensor(x)).numpy(), x.reshape(2, 60))
    assert nn.Flatten(0, 1)(x).shape == (6, 4, 5)
    assert nn.Flatten()(np.zeros((0, 3, 4))).shape == (0, 12)


def test_flatten_refuses_axes_the_input_does_not_have():
    with pytest.raises(
        ValueError,
        match="Flatten\\(start_dim=3, end_dim=-1\\) does not fit an input of shape \\(2, 3\\)",
    ):
        nn.Flatten(3)(normal(2, 3))


@pytest.mark.parametrize(
    "layer, reference",
    [
        (nn.ReLU(), lambda x: np.maximum(x, 0)),
        (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
        (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
        (nn.Tanh(), np.tanh),
        (nn.GELU(), lambda x: x * 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))),
        (
            nn.GELU("tanh"),
            lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))),
        ),
        (nn.Softmax(dim=0), lambda x: np.exp(x) / np.exp(x).sum(axis=0)),
        (nn.LogSoftmax(dim=1), lambda x: x - np.log(np.exp(x).sum(axis=1, keepdims=True))),
        (nn.Identity(), lambda x: x),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, nn.Module) else "",
)
def test_activations_match_numpy_and_keep_float32(layer, reference):
    x = normal(3, 4)
    out = layer(cr.tensor(x))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), reference(x.astype(np.float64)), rtol=1e-5, atol=1e-6)


def test_gelu_refuses_an_unknown_approximation():
    with pytest.raises(ValueError, match="approximate must be 'none' or 'tanh', got 'fast'"):
        nn.GELU("fast")


# --- Dropout ----------------------------------------------------------------------------------


def test_dropout_zeroes_about_p_and_rescales_the_rest():
    drop = nn.Dropout(0.3, generator=np.random.default_rng(0))
    out = drop(cr.tensor(np.ones(100_000, dtype=np.float32))).numpy()
    assert out.dtype == np.float32
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.7)}
    assert (out == 0).mean() == pytest.approx(0.3, abs=0.005)
    assert out.mean() == pytest.approx(1.0, abs=0.01)


def test_dropout_is_the_identity_in_eval_mode():
    drop = nn.Dropout(0.9).eval()
    x = cr.tensor(normal(5))
    assert drop(x) is x


def test_dropout_gradient_is_the_scaled_mask():
    drop = nn.Dropout(0.5, generator=np.random.default_rng(1))
    x = cr.tensor(normal(20), requires_grad=True)
    out = drop(x)
    out.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), np.where(out.numpy() != 0, 2.0, 0.0))


def test_dropout_is_repeatable_with_a_seed_and_handles_p_zero_and_one():
    x = cr.tensor(np.ones(50))
    nn.init.manual_seed(5)
    first = nn.Dropout(0.5)(x).numpy()
    nn.init.manual_seed(5)
    np.testing.assert_array_equal(nn.Dropout(0.5)(x).numpy(), first)
    assert nn.Dropout(0.0)(x) is x
    with np.errstate(all="raise"):
        assert (nn.Dropout(1.0)(x).numpy() == 0).all()
    with pytest.raises(ValueError, match="p is a probability in \\[0, 1\\], got 1.5"):
        nn.Dropout(1.5)


# --- losses -----------------------------------------------------------------------------------


def test_loss_modules_match_the_functions():
    logits, labels = cr.tensor(normal(4, 3)), np.array([0, 2, 1, 2])
    targets = RNG.uniform(size=(4, 3)).astype(np.float32)
    for reduction in ("mean", "sum", "none"):
        pairs = [
            (
                nn.CrossEntropyLoss(reduction)(logits, labels),
                F.cross_entropy(logits, labels, reduction),
            ),
            (nn.NLLLoss(reduction)(logits, labels), F.nll_loss(logits, labels, reduction)),
            (nn.MSELoss(reduction)(logits, targets), F.mse_loss(logits, targets, reduction)),
            (
                nn.BCEWithLogitsLoss(reduction)(logits, targets),
                F.binary_cross_entropy_with_logits(logits, targets, reduction),
            ),
        ]
        for found, expected in pairs:
            assert found.dtype == np.float32
            np.testing.assert_array_equal(found.numpy(), expected.numpy())


def test_cross_entropy_loss_value_and_gradient_are_float32():
    logits = cr.tensor(normal(4, 3), requires_grad=True)
    loss = nn.CrossEntropyLoss()(logits, [0, 1, 2, 0])
    loss.backward()
    assert loss.shape == () and loss.dtype == np.float32 and logits.grad.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("logits, labels", [
    (normal(4, 3), [0, 1, 2, 0]),
    (np.array([[np.inf, 0.0, np.inf], [-np.inf, 1.0, 2.0]]), [0, 0]),
    (normal(2, 3, 2), [[0, 2], [1, 1]]),
    (normal(3), 2),
], ids=["batch", "infinite logits", "spatial", "one sample"])
def test_cross_entropy_gradient_of_arrays_matches_the_recorded_rule(logits, labels, dtype,
                                                                     reduction, monkeypatch):
    # A plain backward pass takes the rule's NumPy form; a recorded one (create_graph) runs the
    # same rule through the softmax and one-hot ops. Both must give one gradient.
    from chainrule.ops.nn import losses

    numpy_form, calls = losses._cross_entropy_vjp_of_arrays, []
    monkeypatch.setattr(losses, "_cross_entropy_vjp_of_arrays",
                        lambda *args: calls.append(1) or numpy_form(*args))
    logits = logits.astype(dtype)
    plain = cr.tensor(logits, requires_grad=True)
    F.cross_entropy(plain, labels, reduction=reduction).backward()
    assert calls == [1]
    recorded = cr.tensor(logits, requires_grad=True)
    F.cross_entropy(recorded, labels, reduction=reduction).backward(create_graph=True)
    assert plain.grad.dtype == dtype
    np.testing.assert_allclose(plain.grad.numpy(), recorded.grad.numpy(),
                               rtol=1e-6 if dtype == np.float32 else 1e-14, atol=0)


def test_cross_entropy_backward_is_right_whichever_forward_ran_last(monkeypatch):
    # The backward pass reuses the softmax of the forward just before it; any other order
    # computes it again.
    from chainrule.ops.nn import losses

    computed, recomputations = losses.softmax_of_array, []
    monkeypatch.setattr(losses, "softmax_of_array",
                        lambda *args: recomputations.append(1) or computed(*args))
    logits = [normal(4, 3), normal(4, 3) * 5]
    first, second = (cr.tensor(a, requires_grad=True) for a in logits)
    labels = [0, 2, 1, 1]
    expected = []
    for a in logits:
        e = np.exp(a - a.max(axis=1, keepdims=True))
        grad = e / e.sum(axis=1, keepdims=True)
        grad[np.arange(4), labels] -= 1
        expected.append(grad / 4)
    loss_first = F.cross_entropy(first, labels)
    loss_second = F.cross_entropy(second, labels)
    loss_first.backward()  # not the last forward's
    assert len(recomputations) == 1
    loss_second.backward(retain_graph=True)
    assert len(recomputations) == 1
    loss_second.backward()  # a second pass through the same node
    assert len(recomputations) == 2
    np.testing.assert_allclose(first.grad.numpy(), expected[0], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(second.grad.numpy(), 2 * expected[1], rtol=1e-5, atol=1e-7)


def test_loss_modules_refuse_an_unknown_reduction():
    with pytest.raises(
        ValueError, match="MSELoss: reduction must be 'mean', 'sum' or 'none', got 'avg'"
    ):
        nn.MSELoss(reduction="avg")


def test_layers_without_parameters_follow_the_ops_arrays_in_arrays_out():
    x = np.array([-1.0, 2.0])
    assert type(nn.ReLU()(x)) is np.ndarray
    assert isinstance(nn.ReLU()(cr.tensor(x)), cr.Tensor)
    assert isinstance(nn.Linear(2, 1, dtype=np.float64)(x), cr.Tensor)
