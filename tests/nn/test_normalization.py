"""BatchNorm1d/2d against NumPy in training and evaluation, running statistics, errors."""

import re

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn

RNG = np.random.default_rng(3)
EPS = 1e-5


def numpy_batch_norm(x, mean, var, weight, bias, axes):
    shape = [1] * x.ndim
    shape[1] = -1
    normalized = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + EPS)
    return normalized * weight.reshape(shape) + bias.reshape(shape)


def randomized(layer):
    """The layer with a weight and bias other than 1 and 0, so that both are exercised."""
    layer.load_state_dict(
        {
            **layer.state_dict(),
            "weight": RNG.uniform(0.5, 2, layer.num_features).astype(np.float32),
            "bias": RNG.normal(size=layer.num_features).astype(np.float32),
        }
    )
    return layer


@pytest.mark.parametrize("shape, axes", [((8, 3), (0,)), ((6, 3, 5), (0, 2))])
def test_batch_norm_1d_training_uses_batch_statistics(shape, axes):
    bn = randomized(nn.BatchNorm1d(3))
    x = RNG.normal(2.0, 3.0, size=shape).astype(np.float32)
    out = bn(cr.tensor(x))
    expected = numpy_batch_norm(
        x.astype(np.float64),
        x.mean(axis=axes),
        x.var(axis=axes),
        bn.weight.numpy(),
        bn.bias.numpy(),
        axes,
    )
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-4, atol=1e-5)


def test_running_statistics_use_momentum_and_the_unbiased_variance():
    bn = nn.BatchNorm1d(2, momentum=0.25)
    first, second = (RNG.normal(size=(5, 2)).astype(np.float32) for _ in range(2))
    bn(first)
    bn(cr.tensor(second))
    mean = 0.75 * (0.75 * 0 + 0.25 * first.mean(0)) + 0.25 * second.mean(0)
    var = 0.75 * (0.75 * 1 + 0.25 * first.var(0, ddof=1)) + 0.25 * second.var(0, ddof=1)
    np.testing.assert_allclose(bn.running_mean.numpy(), mean, rtol=1e-6)
    np.testing.assert_allclose(bn.running_var.numpy(), var, rtol=1e-6)
    assert bn.running_mean.dtype == np.float32 and bn.running_var.dtype == np.float32
    assert int(bn.num_batches_tracked) == 2


def test_momentum_none_keeps_the_plain_average_of_batches():
    bn = nn.BatchNorm1d(2, momentum=None)
    batches = [RNG.normal(size=(4, 2)).astype(np.float32) for _ in range(3)]
    for batch in batches:
        bn(batch)
    np.testing.assert_allclose(
        bn.running_mean.numpy(), np.mean([b.mean(0) for b in batches], 0), rtol=1e-5
    )


def test_evaluation_uses_the_running_statistics():
    bn = randomized(nn.BatchNorm1d(3))
    for _ in range(3):
        bn(RNG.normal(1.0, 2.0, size=(10, 3)).astype(np.float32))
    bn.eval()
    state = bn.state_dict()
    x = RNG.normal(size=(4, 3)).astype(np.float32)
    out = bn(cr.tensor(x))
    expected = numpy_batch_norm(
        x.astype(np.float64),
        state["running_mean"],
        state["running_var"],
        state["weight"],
        state["bias"],
        (0,),
    )
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-6)
    single = bn(cr.tensor(x[:1]))  # one sample is fine in evaluation, and independent of others
    np.testing.assert_allclose(single.numpy(), out.numpy()[:1], rtol=1e-6)
    for name, value in bn.state_dict().items():
        np.testing.assert_array_equal(value, state[name], err_msg=name)


def test_switching_between_train_and_eval_changes_the_output():
    bn = nn.BatchNorm1d(2)
    x = cr.tensor(RNG.normal(5.0, 1.0, size=(6, 2)).astype(np.float32))
    train_out = bn(x).numpy()
    eval_out = bn.eval()(x).numpy()
    assert abs(train_out.mean()) < 1e-5 and eval_out.mean() > 3
    np.testing.assert_allclose(bn.train()(x).numpy(), train_out, rtol=1e-6)


def test_batch_norm_2d_normalizes_each_channel_over_batch_and_pixels():
    bn = randomized(nn.BatchNorm2d(3))
    x = RNG.normal(size=(2, 3, 4, 5)).astype(np.float32)
    out = bn(cr.tensor(x))
    axes = (0, 2, 3)
    expected = numpy_batch_norm(
        x.astype(np.float64),
        x.mean(axis=axes),
        x.var(axis=axes),
        bn.weight.numpy(),
        bn.bias.numpy(),
        axes,
    )
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(
        bn.running_var.numpy(), 0.9 + 0.1 * x.var(axis=axes, ddof=1), rtol=1e-6
    )


def test_without_running_statistics_the_batch_is_always_used():
    bn = nn.BatchNorm1d(2, affine=False, track_running_stats=False)
    assert list(bn.state_dict()) == [] and bn.running_mean is None
    x = RNG.normal(size=(5, 2))
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + EPS)
    np.testing.assert_allclose(bn.eval()(cr.tensor(x)).numpy(), expected, rtol=1e-10)


def test_batch_norm_gradient_is_float32_and_flows_to_all_inputs():
    bn = nn.BatchNorm1d(3)
    x = cr.tensor(RNG.normal(size=(4, 3)).astype(np.float32), requires_grad=True)
    (bn(x) * cr.tensor(RNG.normal(size=(4, 3)).astype(np.float32))).sum().backward()
    for grad in (x.grad, bn.weight.grad, bn.bias.grad):
        assert grad.dtype == np.float32
    assert not bn.running_mean.requires_grad


def test_batch_norm_names_the_expected_shape():
    message = (
        "BatchNorm1d(3) expected an input of shape (N, C) or (N, C, L) with C = 3, got shape (4, 2)"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        nn.BatchNorm1d(3)(np.zeros((4, 2), np.float32))
    with pytest.raises(ValueError, match=re.escape("(N, C, H, W) with C = 3, got shape (4, 3)")):
        nn.BatchNorm2d(3)(np.zeros((4, 3), np.float32))


def test_training_on_one_value_per_channel_is_refused():
    with pytest.raises(
        ValueError,
        match="batch statistics need more than one value per channel, "
        "got an input of shape \\(1, 3\\); .* call .eval\\(\\)",
    ):
        nn.BatchNorm1d(3)(np.zeros((1, 3), np.float32))


def test_batch_norm_checks_its_arguments():
    with pytest.raises(ValueError, match="momentum must be in \\[0, 1\\] or None"):
        nn.BatchNorm1d(3, momentum=2)
    with pytest.raises(ValueError, match="num_features must be an int >= 1, got 0"):
        nn.BatchNorm1d(0)
