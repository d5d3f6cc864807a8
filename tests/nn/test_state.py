"""state_dict and load_state_dict: copies by dotted name, exact errors, loads in place."""

import re

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn


def make_model():
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))


def test_state_dict_holds_parameters_and_buffers_by_dotted_name():
    state = make_model().state_dict()
    assert list(state) == [
        "0.weight",
        "0.bias",
        "1.weight",
        "1.bias",
        "1.running_mean",
        "1.running_var",
        "1.num_batches_tracked",
        "3.weight",
        "3.bias",
    ]
    assert all(type(value) is np.ndarray for value in state.values())
    assert state["0.weight"].dtype == np.float32 and state["0.weight"].shape == (4, 3)
    assert state["1.num_batches_tracked"].shape == () and state["1.num_batches_tracked"] == 0


def test_state_dict_values_are_copies():
    model = make_model()
    state = model.state_dict()
    before = state["0.weight"].copy()
    with cr.no_grad():
        model[0].weight[...] = 7.0
    np.testing.assert_array_equal(state["0.weight"], before)
    state["0.bias"][:] = 9.0
    assert not (model[0].bias.numpy() == 9.0).any()


def test_round_trip_restores_every_value():
    source, target = make_model(), make_model()
    source.train()(np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32))
    target.load_state_dict(source.state_dict())
    for (name, expected), found in zip(
        source.state_dict().items(), target.state_dict().values(), strict=True
    ):
        np.testing.assert_array_equal(found, expected, err_msg=name)
    assert int(target[1].num_batches_tracked) == 1


def test_load_writes_in_place_so_references_stay_valid():
    model = make_model()
    weight = model[0].weight
    held_by_optimizer = list(model.parameters())
    state = model.state_dict()
    state["0.weight"] = np.full((4, 3), 0.5, dtype=np.float32)
    model.load_state_dict(state)
    assert model[0].weight is weight and weight.requires_grad
    np.testing.assert_array_equal(held_by_optimizer[0].numpy(), np.full((4, 3), 0.5))


def test_loaded_values_do_not_alias_the_state_dict():
    model = nn.Linear(2, 2)
    state = model.state_dict()
    model.load_state_dict(state)
    state["weight"][:] = 3.0
    assert not (model.weight.numpy() == 3.0).any()


def test_missing_and_unexpected_keys_are_named():
    model = make_model()
    state = model.state_dict()
    del state["0.bias"], state["3.weight"]
    state["4.weight"] = np.zeros(2)
    message = (
        "cannot load the state dict into Sequential; nothing was loaded:\n"
        "  missing keys (in the model, not in the state dict): '0.bias', '3.weight'\n"
        "  unexpected keys (in the state dict, not in the model): '4.weight'\n"
        "(pass strict=False to load the keys that match and skip the others)"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        model.load_state_dict(state)


def test_shape_mismatch_is_named_with_both_shapes():
    model = nn.Linear(3, 2)
    state = {"weight": np.zeros((3, 2), dtype=np.float32), "bias": np.zeros(2, np.float32)}
    message = (
        "cannot load the state dict into Linear; nothing was loaded:\n"
        "  'weight': shape (3, 2) in the state dict, but the model's is (2, 3)"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        model.load_state_dict(state)


def test_dtype_mismatch_is_named_with_both_dtypes():
    model = nn.Linear(1, 1)
    state = {"weight": np.zeros((1, 1)), "bias": np.zeros(1, np.float32)}
    message = (
        "'weight': dtype float64 in the state dict, but the model's is float32 (convert "
        "the model with .to(dtype) or the array with .astype(dtype))"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        model.load_state_dict(state)


def test_nothing_is_written_when_any_entry_is_wrong():
    model = make_model()
    before = model.state_dict()
    state = {name: value + 1 for name, value in before.items()}
    state["3.bias"] = np.zeros(5, np.float32)
    with pytest.raises(ValueError, match="'3.bias': shape"):
        model.load_state_dict(state)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)


def test_non_strict_load_skips_and_reports_keys():
    model = make_model()
    state = {"0.weight": np.ones((4, 3), np.float32), "extra": np.zeros(1)}
    result = model.load_state_dict(state, strict=False)
    assert result.unexpected_keys == ["extra"]
    assert "0.bias" in result.missing_keys and len(result.missing_keys) == 8
    np.testing.assert_array_equal(model[0].weight.numpy(), np.ones((4, 3)))


def test_non_strict_load_still_checks_shapes():
    with pytest.raises(ValueError, match="'bias': shape \\(3,\\) in the state dict"):
        nn.Linear(2, 2).load_state_dict({"bias": np.zeros(3, np.float32)}, strict=False)


def test_load_state_dict_refuses_a_non_mapping():
    with pytest.raises(TypeError, match="expects a mapping from name to array .* got list"):
        nn.Linear(2, 2).load_state_dict([np.zeros(2)])


def test_round_trip_through_an_npz_file(tmp_path):
    source, target = make_model(), make_model()
    path = tmp_path / "model.npz"
    np.savez(path, **source.state_dict())
    with np.load(path, allow_pickle=False) as saved:
        target.load_state_dict(saved)
    for name, value in source.state_dict().items():
        np.testing.assert_array_equal(target.state_dict()[name], value)


def test_shared_parameter_is_saved_under_each_name_and_loads():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, shared)
    state = model.state_dict()
    assert list(state) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    model.load_state_dict(state)
