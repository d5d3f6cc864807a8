"""chainrule.nn.functional: exact values against NumPy loops, stability, dtypes, ties, errors."""

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.nn import functional as F

RNG = np.random.default_rng(7)


@pytest.fixture
def no_warnings():
    """Warnings become errors, and NumPy raises on overflow, invalid values and division by 0."""
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        yield


def leaf(array, dtype="float64"):
    return cr.tensor(np.asarray(array, dtype=dtype), requires_grad=True)


def numpy_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# --- softmax and log_softmax ------------------------------------------------------------------


def test_softmax_rows_sum_to_one_and_match_numpy():
    x = RNG.normal(size=(3, 4))
    out = F.softmax(cr.tensor(x)).numpy()
    np.testing.assert_allclose(out, np.exp(x) / np.exp(x).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(out.sum(axis=1), np.ones(3))


def test_softmax_dim_is_an_alias_of_axis():
    x = cr.tensor(RNG.normal(size=(3, 4)))
    np.testing.assert_array_equal(F.softmax(x, dim=0).numpy(), F.softmax(x, axis=0).numpy())
    np.testing.assert_array_equal(F.log_softmax(x, dim=0).numpy(),
                                  F.log_softmax(x, 0).numpy())


def test_softmax_gradient_is_s_times_delta_minus_s():
    x = leaf([0.5, -1.0, 2.0])
    F.softmax(x)[2].backward()
    s = numpy_softmax(np.array([0.5, -1.0, 2.0]), 0)
    np.testing.assert_allclose(x.grad.numpy(), s[2] * (np.eye(3)[2] - s))


def test_log_softmax_gradient_is_delta_minus_softmax():
    x = leaf([[0.5, -1.0, 2.0]])
    F.log_softmax(x)[0, 0].backward()
    np.testing.assert_allclose(x.grad.numpy(), [np.eye(3)[0] - numpy_softmax(x.numpy(), 1)[0]])


def test_softmax_and_log_softmax_are_finite_at_plus_minus_1000(no_warnings):
    x = leaf([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]])
    np.testing.assert_allclose(F.softmax(x).numpy(), [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]])
    log_probs = F.log_softmax(x)
    np.testing.assert_allclose(log_probs.numpy(),
                               [[0, -2000, -1000], [-np.log(3)] * 3], rtol=1e-12)
    (log_probs.sum() + F.softmax(x)[0, 0]).backward()
    assert np.all(np.isfinite(x.grad.numpy()))


def test_softmax_of_a_0d_value_is_one_and_of_an_empty_array_is_empty():
    assert F.softmax(cr.tensor(3.0)).item() == 1.0
    assert F.log_softmax(cr.tensor(3.0)).item() == 0.0
    assert F.softmax(cr.tensor(np.zeros((0, 3)))).shape == (0, 3)
    assert F.log_softmax(cr.tensor(np.zeros((2, 0))), axis=1).shape == (2, 0)


def test_softmax_keeps_float32_in_forward_and_gradient():
    x = leaf(RNG.normal(size=(2, 3)), "float32")
    out = F.softmax(x, axis=0)
    assert out.dtype == np.float32
    (out * F.log_softmax(x)).sum().backward()
    assert x.grad.dtype == np.float32


def test_softmax_rejects_bad_axes():
    x = cr.tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="axis 2 is out of range for a 2-d input"):
        F.softmax(x, axis=2)
    with pytest.raises(TypeError, match="got axis=0 and dim=1"):
        F.softmax(x, axis=0, dim=1)
    with pytest.raises(TypeError, match="axis must be one int"):
        F.log_softmax(x, axis=(0, 1))


# --- losses -----------------------------------------------------------------------------------


def test_cross_entropy_with_labels_matches_the_hand_formula_and_gradient():
    logits, labels = RNG.normal(size=(4, 3)), np.array([2, 0, 1, 2])
    x = leaf(logits)
    loss = F.cross_entropy(x, labels)
    log_z = np.log(np.exp(logits).sum(axis=1))
    expected = np.mean(log_z - logits[np.arange(4), labels])
    np.testing.assert_allclose(loss.item(), expected)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(),
                               (numpy_softmax(logits, 1) - np.eye(3)[labels]) / 4)


def test_cross_entropy_with_probabilities_matches_the_hand_formula():
    logits = RNG.normal(size=(2, 3))
    probs = np.array([[0.2, 0.5, 0.3], [1.0, 0.0, 0.0]])
    x, p = leaf(logits), leaf(probs)
    loss = F.cross_entropy(x, p)
    log_probs = np.log(numpy_softmax(logits, 1))
    np.testing.assert_allclose(loss.item(), -np.sum(probs * log_probs) / 2)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), (numpy_softmax(logits, 1) - probs) / 2)
    np.testing.assert_allclose(p.grad.numpy(), -log_probs / 2)


def test_cross_entropy_takes_classes_on_axis_1_for_spatial_targets():
    logits = RNG.normal(size=(2, 3, 2, 2))
    labels = RNG.integers(0, 3, size=(2, 2, 2))
    log_probs = np.log(numpy_softmax(logits, 1))
    expected = np.empty((2, 2, 2))
    for n, i, j in np.ndindex(2, 2, 2):
        expected[n, i, j] = -log_probs[n, labels[n, i, j], i, j]
    loss = F.cross_entropy(cr.tensor(logits), labels, reduction="none")
    np.testing.assert_allclose(loss.numpy(), expected)
    np.testing.assert_allclose(F.cross_entropy(logits, labels, "sum"), expected.sum())
    np.testing.assert_allclose(F.cross_entropy(logits, labels), expected.mean())


def test_cross_entropy_of_one_sample_takes_a_0d_label():
    loss = F.cross_entropy(cr.tensor([1.0, 2.0, 3.0]), 2)
    np.testing.assert_allclose(loss.item(), -np.log(numpy_softmax(np.array([1.0, 2, 3]), 0)[2]))


def test_cross_entropy_is_finite_at_plus_minus_1000(no_warnings):
    x = leaf([[1000.0, -1000.0], [-1000.0, 1000.0]])
    loss = F.cross_entropy(x, [1, 1], reduction="none")
    np.testing.assert_allclose(loss.numpy(), [2000.0, 0.0])
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[1.0, -1.0], [0.0, 0.0]])
    soft = F.cross_entropy(cr.tensor([[1000.0, -1000.0]]), np.array([[0.0, 1.0]]))
    np.testing.assert_allclose(soft.item(), 2000.0)


def test_cross_entropy_keeps_float32_with_float64_probabilities():
    x = leaf(RNG.normal(size=(2, 3)), "float32")
    loss = F.cross_entropy(x, np.full((2, 3), 1 / 3))
    assert loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32
    labels_loss = F.cross_entropy(x, cr.tensor([0, 2]))
    assert labels_loss.dtype == np.float32


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "uint64"])
def test_cross_entropy_finds_a_label_out_of_range_in_every_integer_type(dtype):
    logits = cr.tensor(np.zeros((3, 3)))
    bad = -2 if dtype.startswith("int") else 3
    with pytest.raises(ValueError, match=f"label {bad}, out of range for 3 classes"):
        F.cross_entropy(logits, np.array([0, bad, 2]).astype(dtype)[::1])
    assert float(F.cross_entropy(logits, np.array([0, 1, 2], dtype=dtype))) == pytest.approx(
        np.log(3))


def test_cross_entropy_explains_bad_targets():
    logits = cr.tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="label 3, out of range for 3 classes"):
        F.cross_entropy(logits, [0, 3])
    with pytest.raises(ValueError, match="label -1, out of range"):
        F.cross_entropy(logits, [-1, 0])
    with pytest.raises(TypeError, match="class labels must be integers, got dtype float64"):
        F.cross_entropy(logits, [0.0, 1.0])
    with pytest.raises(ValueError, match=r"labels of shape \(2,\).*got shape \(3,\)"):
        F.cross_entropy(logits, [0, 1, 2])
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none'"):
        F.cross_entropy(logits, [0, 1], reduction="avg")
    with pytest.raises(TypeError, match="logits must be floating point"):
        F.cross_entropy(np.zeros((2, 3), dtype=int), [0, 1])


def test_nll_loss_picks_minus_the_log_probability_of_each_label():
    log_probs = np.log(np.array([[0.2, 0.8], [0.6, 0.4]]))
    np.testing.assert_allclose(F.nll_loss(log_probs, [1, 0], reduction="none"),
                               -np.log([0.8, 0.6]))


def test_binary_cross_entropy_with_logits_matches_the_naive_formula():
    x, t = RNG.normal(size=5), RNG.uniform(size=5)
    sigmoid = 1 / (1 + np.exp(-x))
    naive = -(t * np.log(sigmoid) + (1 - t) * np.log(1 - sigmoid))
    np.testing.assert_allclose(F.binary_cross_entropy_with_logits(x, t, "none"), naive)
    logits = leaf(x)
    F.binary_cross_entropy_with_logits(logits, t, reduction="sum").backward()
    np.testing.assert_allclose(logits.grad.numpy(), sigmoid - t)


def test_binary_cross_entropy_with_logits_gradient_at_zero_is_one_half_minus_target():
    x = leaf([0.0, 0.0])
    F.binary_cross_entropy_with_logits(x, [0.0, 1.0], reduction="sum").backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, -0.5])


def test_binary_cross_entropy_with_logits_is_finite_at_plus_minus_1000(no_warnings):
    x = leaf([1000.0, -1000.0, 1000.0, -1000.0])
    loss = F.binary_cross_entropy_with_logits(x, [1.0, 0.0, 0.0, 1.0], reduction="none")
    np.testing.assert_allclose(loss.numpy(), [0.0, 0.0, 1000.0, 1000.0])
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 0.0, 1.0, -1.0])


def test_binary_cross_entropy_with_logits_keeps_float32():
    x = leaf([0.5, -2.0], "float32")
    loss = F.binary_cross_entropy_with_logits(x, np.array([1.0, 0.0]))
    assert loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32


def test_mse_loss_is_the_mean_squared_error_with_gradient_2_diff_over_n():
    x = leaf([1.0, 2.0, 3.0])
    loss = F.mse_loss(x, [1.0, 0.0, 5.0])
    np.testing.assert_allclose(loss.item(), 8 / 3)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 4 / 3, -4 / 3])
    np.testing.assert_allclose(F.mse_loss(x, [1.0, 0.0, 5.0], reduction="sum").item(), 8.0)


def test_mse_loss_keeps_float32_with_a_float64_target():
    x = leaf([1.0, 2.0], "float32")
    loss = F.mse_loss(x, np.array([0.5, 0.5]))
    assert loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32


def test_losses_refuse_targets_of_another_shape():
    with pytest.raises(ValueError, match=r"input of shape \(3,\) and target of shape \(3, 1\)"):
        F.mse_loss(np.zeros(3), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="must have the same shape"):
        F.binary_cross_entropy_with_logits(np.zeros(3), np.zeros(2))


# --- convolution ------------------------------------------------------------------------------


def conv2d_loop(x, w, b, stride, padding):
    (sh, sw), (ph, pw) = stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    kh, kw = w.shape[2:]
    ho, wo = (xp.shape[2] - kh) // sh + 1, (xp.shape[3] - kw) // sw + 1
    out = np.zeros((x.shape[0], w.shape[0], ho, wo))
    for n, f, p, q in np.ndindex(*out.shape):
        out[n, f, p, q] = b[f] + np.sum(xp[n, :, p * sh : p * sh + kh, q * sw : q * sw + kw] * w[f])
    return out


CONV_SETTINGS = [((1, 1), (0, 0)), ((2, 2), (1, 1)), ((2, 1), (0, 2)), ((3, 2), (1, 0))]


@pytest.mark.parametrize("stride, padding", CONV_SETTINGS)
def test_conv2d_matches_a_direct_loop(stride, padding):
    x, w, b = RNG.normal(size=(2, 3, 7, 6)), RNG.normal(size=(4, 3, 3, 2)), RNG.normal(size=4)
    out = F.conv2d(cr.tensor(x), cr.tensor(w), cr.tensor(b), stride=stride, padding=padding)
    np.testing.assert_allclose(out.numpy(), conv2d_loop(x, w, b, stride, padding), atol=1e-12)


@pytest.mark.parametrize("stride, padding", CONV_SETTINGS)
def test_conv2d_gradients_match_the_loop_differentiated_one_unit_input_at_a_time(stride, padding):
    x, w = leaf(RNG.normal(size=(2, 2, 5, 4))), leaf(RNG.normal(size=(3, 2, 3, 2)))
    out = F.conv2d(x, w, stride=stride, padding=padding)
    g = RNG.normal(size=out.shape)
    out.backward(g)
    # L = Σ conv2d(x, w)·g is linear in x (and in w): ∂L/∂x[i] is L at the unit input e_i.
    for which, other in ((x, w.numpy()), (w, x.numpy())):
        expected = np.zeros(which.shape)
        for i in np.ndindex(*which.shape):
            unit = np.zeros(which.shape)
            unit[i] = 1
            args = (unit, other) if which is x else (other, unit)
            expected[i] = np.sum(conv2d_loop(*args, np.zeros(3), stride, padding) * g)
        np.testing.assert_allclose(which.grad.numpy(), expected, atol=1e-12)


def test_conv_transpose2d_is_the_adjoint_of_conv2d():
    x, w = RNG.normal(size=(2, 3, 6, 6)), RNG.normal(size=(4, 3, 3, 3))
    y = F.conv2d(x, w, stride=2, padding=1)
    g = RNG.normal(size=y.shape)
    back = F.conv_transpose2d(g, w, stride=2, padding=1, output_padding=1)
    assert back.shape == x.shape
    np.testing.assert_allclose(np.sum(y * g), np.sum(x * back))


def test_conv2d_keeps_float32_in_forward_and_gradients():
    x = leaf(RNG.normal(size=(1, 2, 5, 5)), "float32")
    w = leaf(RNG.normal(size=(3, 2, 3, 3)), "float32")
    b = leaf(RNG.normal(size=3), "float32")
    out = F.conv2d(x, w, b, stride=2, padding=1)
    assert out.dtype == np.float32
    out.sum().backward()
    assert (x.grad.dtype, w.grad.dtype, b.grad.dtype) == (np.float32,) * 3


def test_conv2d_accepts_one_unbatched_image():
    x, w = RNG.normal(size=(2, 4, 4)), RNG.normal(size=(3, 2, 2, 2))
    np.testing.assert_allclose(F.conv2d(cr.tensor(x), w).numpy(), F.conv2d(x[None], w)[0])


def test_conv2d_explains_bad_arguments():
    x = np.zeros((1, 2, 4, 4))
    with pytest.raises(ValueError, match="x has 2 channels, but weight of shape"):
        F.conv2d(x, np.zeros((3, 1, 2, 2)))
    with pytest.raises(ValueError, match="kernel height 5 is larger than the padded input"):
        F.conv2d(x, np.zeros((3, 2, 5, 2)))
    with pytest.raises(ValueError, match="weight must have shape"):
        F.conv2d(x, np.zeros((3, 2, 2)))
    with pytest.raises(ValueError, match=r"x must have shape \(N, C, H, W\)"):
        F.conv2d(np.zeros((4, 4)), np.zeros((3, 2, 2, 2)))
    with pytest.raises(ValueError, match="stride must be at least 1"):
        F.conv2d(x, np.zeros((3, 2, 2, 2)), stride=0)
    with pytest.raises(TypeError, match="padding must be an int or a pair"):
        F.conv2d(x, np.zeros((3, 2, 2, 2)), padding="same")
    with pytest.raises(ValueError, match=r"bias must have shape \(3,\)"):
        F.conv2d(x, np.zeros((3, 2, 2, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="output_padding .* must be smaller than the stride"):
        F.conv_transpose2d(x, np.zeros((2, 1, 2, 2)), stride=2, output_padding=2)


# --- pooling ----------------------------------------------------------------------------------


def pool_loop(x, kernel, stride, padding, reduce, fill):
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    ho, wo = (xp.shape[2] - kh) // sh + 1, (xp.shape[3] - kw) // sw + 1
    out = np.zeros(x.shape[:2] + (ho, wo))
    for n, c, p, q in np.ndindex(*out.shape):
        out[n, c, p, q] = reduce(xp[n, c, p * sh : p * sh + kh, q * sw : q * sw + kw])
    return out


POOL_SETTINGS = [((2, 2), (2, 2), (0, 0)), ((3, 3), (2, 2), (1, 1)), ((2, 3), (1, 2), (1, 1))]


@pytest.mark.parametrize("kernel, stride, padding", POOL_SETTINGS)
def test_max_pool2d_matches_a_direct_loop(kernel, stride, padding):
    x = RNG.normal(size=(2, 3, 7, 6)) - 5  # all negative: padding must not win
    out = F.max_pool2d(cr.tensor(x), kernel, stride, padding)
    np.testing.assert_array_equal(out.numpy(), pool_loop(x, kernel, stride, padding, np.max,
                                                         -np.inf))


@pytest.mark.parametrize("kernel, stride, padding", POOL_SETTINGS)
def test_avg_pool2d_matches_a_direct_loop_counting_the_padding(kernel, stride, padding):
    x = RNG.normal(size=(2, 3, 7, 6))
    out = F.avg_pool2d(cr.tensor(x), kernel, stride, padding)
    np.testing.assert_allclose(out.numpy(), pool_loop(x, kernel, stride, padding, np.mean, 0.0))


def test_max_pool2d_tie_gives_the_gradient_to_the_first_maximum_in_row_major_order():
    x = leaf([[[[1.0, 3.0, 3.0, 0.0],
                [3.0, 2.0, 0.0, 0.0]]]])
    F.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[[[0, 1, 1, 0], [0, 0, 0, 0]]]])


def test_max_pool2d_overlapping_windows_add_their_gradients():
    x = leaf([[[[0.0, 5.0, 0.0],
                [0.0, 0.0, 0.0]]]])
    F.max_pool2d(x, 2, stride=1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[[[0, 2, 0], [0, 0, 0]]]])


def test_max_pool2d_of_minus_infinity_with_padding_stays_in_the_input():
    x = leaf(np.full((1, 1, 3, 3), -np.inf))
    out = F.max_pool2d(x, 3, stride=1, padding=1)
    assert np.all(out.numpy() == -np.inf)
    out.sum().backward()
    assert x.grad.numpy().sum() == 9


def test_avg_pool2d_gradient_is_one_over_the_window_size_per_window():
    x = leaf(np.zeros((1, 1, 4, 4)))
    F.avg_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((1, 1, 4, 4), 0.25))


@pytest.mark.parametrize("pool", [F.max_pool2d, F.avg_pool2d])
def test_pools_keep_float32_and_accept_unbatched_images(pool):
    x = leaf(RNG.normal(size=(2, 4, 4)), "float32")
    out = pool(x, 2)
    assert out.shape == (2, 2, 2) and out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float32


def test_pools_explain_bad_arguments():
    x = np.zeros((1, 1, 4, 4))
    with pytest.raises(ValueError, match="padding .* must be at most half the kernel size"):
        F.max_pool2d(x, 2, padding=2)
    with pytest.raises(ValueError, match="window height 5 is larger than the padded input"):
        F.avg_pool2d(x, 5)
    with pytest.raises(TypeError, match="kernel_size must be an int or a pair"):
        F.max_pool2d(x, 2.0)


# --- optional: PyTorch agrees on values, gradients and conventions (skipped without torch) ----


def test_conv2d_and_its_gradients_agree_with_pytorch():
    torch = pytest.importorskip("torch")
    x, w, b = RNG.normal(size=(2, 3, 7, 6)), RNG.normal(size=(4, 3, 3, 2)), RNG.normal(size=4)
    xc, wc = leaf(x), leaf(w)
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    out = F.conv2d(xc, wc, b, stride=(2, 1), padding=1)
    out_torch = torch.nn.functional.conv2d(xt, wt, torch.tensor(b), stride=(2, 1), padding=1)
    g = RNG.normal(size=out.shape)
    out.backward(g)
    out_torch.backward(torch.tensor(g))
    for ours, theirs in ((out, out_torch), (xc.grad, xt.grad), (wc.grad, wt.grad)):
        np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), atol=1e-12)


def test_pooling_ties_and_cross_entropy_agree_with_pytorch():
    torch = pytest.importorskip("torch")
    x = np.round(RNG.normal(size=(2, 2, 6, 6)))  # small integers: many ties
    ours, theirs = leaf(x), torch.tensor(x, requires_grad=True)
    F.max_pool2d(ours, 3, stride=2, padding=1).sum().backward()
    torch.nn.functional.max_pool2d(theirs, 3, stride=2, padding=1).sum().backward()
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())
    np.testing.assert_allclose(F.avg_pool2d(x, 3, 2, 1),
                               torch.nn.functional.avg_pool2d(torch.tensor(x), 3, 2, 1).numpy(),
                               atol=1e-12)
    logits, labels = RNG.normal(size=(4, 3, 2)), RNG.integers(0, 3, size=(4, 2))
    np.testing.assert_allclose(
        F.cross_entropy(logits, labels),
        torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(labels)).item())
