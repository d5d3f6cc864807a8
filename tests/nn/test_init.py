"""nn.init: distributions (mean, std, bounds), gains, fans, seeding, and in-place writing."""

import math

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.nn import init


def big(shape=(400, 500), dtype=np.float64):
    return nn.Parameter(np.zeros(shape, dtype=dtype))


def rng():
    return np.random.default_rng(123)


def test_uniform_has_the_moments_of_uniform():
    w = init.uniform_(big(), -2.0, 4.0, generator=rng()).numpy()
    assert w.min() >= -2.0 and w.max() < 4.0
    assert w.mean() == pytest.approx(1.0, abs=0.02)
    assert w.std() == pytest.approx(6 / math.sqrt(12), rel=0.01)


def test_normal_has_the_given_mean_and_std():
    w = init.normal_(big(), 3.0, 0.5, generator=rng()).numpy()
    assert w.mean() == pytest.approx(3.0, abs=0.005)
    assert w.std() == pytest.approx(0.5, rel=0.01)


@pytest.mark.parametrize("shape", [(300, 200), (64, 16, 3, 3)])
def test_xavier_uniform_and_normal_std(shape):
    fan_in = shape[1] * math.prod(shape[2:])
    fan_out = shape[0] * math.prod(shape[2:])
    expected = 1.5 * math.sqrt(2 / (fan_in + fan_out))
    uniform = init.xavier_uniform_(big(shape), gain=1.5, generator=rng()).numpy()
    normal = init.xavier_normal_(big(shape), gain=1.5, generator=rng()).numpy()
    assert np.abs(uniform).max() <= math.sqrt(3) * expected
    assert uniform.std() == pytest.approx(expected, rel=0.02)
    assert normal.std() == pytest.approx(expected, rel=0.02)
    assert abs(normal.mean()) < 0.05 * expected


@pytest.mark.parametrize("mode, fan", [("fan_in", 500), ("fan_out", 400)])
def test_kaiming_std_uses_the_chosen_fan_and_relu_gain(mode, fan):
    expected = math.sqrt(2) / math.sqrt(fan)
    uniform = init.kaiming_uniform_(big(), mode=mode, nonlinearity="relu", generator=rng())
    normal = init.kaiming_normal_(big(), mode=mode, nonlinearity="relu", generator=rng())
    assert np.abs(uniform.numpy()).max() <= math.sqrt(3) * expected
    assert uniform.numpy().std() == pytest.approx(expected, rel=0.01)
    assert normal.numpy().std() == pytest.approx(expected, rel=0.01)


def test_kaiming_uniform_with_a_sqrt5_is_bounded_by_one_over_sqrt_fan_in():
    w = init.kaiming_uniform_(big((300, 25)), a=math.sqrt(5), generator=rng()).numpy()
    assert np.abs(w).max() <= 1 / 5
    assert np.abs(w).max() > 0.199


@pytest.mark.parametrize(
    "name, param, gain",
    [
        ("linear", None, 1.0),
        ("conv2d", None, 1.0),
        ("sigmoid", None, 1.0),
        ("tanh", None, 5 / 3),
        ("relu", None, math.sqrt(2)),
        ("selu", None, 0.75),
        ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
        ("leaky_relu", 0.2, math.sqrt(2 / 1.04)),
    ],
)
def test_calculate_gain(name, param, gain):
    assert init.calculate_gain(name, param) == pytest.approx(gain)


def test_calculate_gain_names_the_known_nonlinearities():
    with pytest.raises(
        ValueError, match="unknown nonlinearity 'swish' \\(known: conv1d, .*tanh\\)"
    ):
        init.calculate_gain("swish")


def test_fans_of_a_convolution_weight_include_the_kernel():
    assert init.fan_in_and_fan_out(np.zeros((8, 3, 5, 5))) == (75, 200)
    with pytest.raises(ValueError, match="at least 2 dimensions, got shape \\(3,\\)"):
        init.xavier_uniform_(nn.Parameter(np.zeros(3)))


def test_kaiming_refuses_an_unknown_mode():
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out', got 'fan_avg'"):
        init.kaiming_normal_(big((2, 2)), mode="fan_avg")


def test_constants_fill_in_place_and_keep_dtype():
    w = big((2, 3), np.float32)
    assert init.constant_(w, 0.25) is w
    assert w.dtype == np.float32 and (w.numpy() == 0.25).all()
    assert (init.ones_(w).numpy() == 1).all() and (init.zeros_(w).numpy() == 0).all()
    assert w.requires_grad and w.is_leaf


def test_initializers_write_numpy_arrays_and_zero_d_tensors_too():
    array = np.zeros(4)
    assert init.ones_(array) is array and (array == 1).all()
    scalar = nn.Parameter(np.float32(0.0))
    init.normal_(scalar, generator=rng())
    assert scalar.shape == () and scalar.dtype == np.float32 and scalar.item() != 0


def test_random_init_refuses_integer_tensors_and_bad_generators():
    with pytest.raises(
        TypeError, match="uniform_: random values need a floating-point tensor, got dtype int64"
    ):
        init.uniform_(cr.tensor([1, 2]))
    with pytest.raises(TypeError, match="generator must be a numpy.random.Generator .* got int"):
        init.normal_(big((2, 2)), generator=3)


def test_float32_and_float64_get_the_same_draws():
    single = init.normal_(big((5, 5), np.float32), generator=rng()).numpy()
    double = init.normal_(big((5, 5), np.float64), generator=rng()).numpy()
    np.testing.assert_array_equal(single, double.astype(np.float32))


def test_manual_seed_makes_model_construction_repeatable():
    init.manual_seed(42)
    first = nn.Sequential(nn.Linear(3, 4), nn.Conv2d(1, 2, 3)).state_dict()
    init.manual_seed(42)
    second = nn.Sequential(nn.Linear(3, 4), nn.Conv2d(1, 2, 3)).state_dict()
    for name in first:
        np.testing.assert_array_equal(first[name], second[name])
    third = nn.Sequential(nn.Linear(3, 4), nn.Conv2d(1, 2, 3)).state_dict()
    assert not np.array_equal(first["0.weight"], third["0.weight"])


def test_manual_seed_reseeds_the_same_generator_object():
    held = init.default_generator
    assert init.manual_seed(7) is held
    draw = held.random()
    init.manual_seed(7)
    assert init.default_generator.random() == draw
    with pytest.raises(ValueError, match="the seed must be an int >= 0, got -1"):
        init.manual_seed(-1)


def test_linear_default_init_matches_pytorch_bounds():
    init.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        values = p.numpy()
        assert np.abs(values).max() <= bound
        assert values.std() == pytest.approx(bound / math.sqrt(3), rel=0.1)


def test_conv2d_default_init_bound_uses_channels_times_kernel():
    layer = nn.Conv2d(4, 64, kernel_size=(3, 5))
    bound = 1 / math.sqrt(4 * 3 * 5)
    assert np.abs(layer.weight.numpy()).max() <= bound
    assert np.abs(layer.weight.numpy()).max() > 0.9 * bound
    assert np.abs(layer.bias.numpy()).max() <= bound


def test_linear_with_zero_inputs_initializes_without_warnings():
    with np.errstate(all="raise"):
        layer = nn.Linear(0, 3)
    assert (layer.bias.numpy() == 0).all()
    assert layer(np.zeros((2, 0), dtype=np.float32)).shape == (2, 3)
