"""Optimizer checkpoints: the format, copies, a round trip through an .npz file, and errors."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.optim import SGD, Adam, AdamW, RMSprop

SHAPES = [(3,), (2, 2), ()]
OPTIMIZERS = {
    "SGD": lambda groups: SGD(groups, lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True),
    "Adam": lambda groups: Adam(groups, lr=0.05, weight_decay=0.01, amsgrad=True),
    "AdamW": lambda groups: AdamW(groups, lr=0.05, betas=(0.8, 0.9)),
    "RMSprop": lambda groups: RMSprop(groups, lr=0.01, momentum=0.5, centered=True),
}


def make_params(dtype, values=None):
    rng = np.random.default_rng(0)
    values = values or [rng.standard_normal(shape) for shape in SHAPES]
    return [cr.tensor(np.asarray(v, dtype=dtype), requires_grad=True) for v in values]


def groups_of(params):
    return [{"params": params[:2]}, {"params": params[2:], "lr": 0.003}]


def feed(params, step):
    rng = np.random.default_rng(100 + step)
    for p in params:
        p.grad = cr.tensor(rng.standard_normal(p.shape).astype(p.dtype))


def train(optimizer, params, steps):
    for step in steps:
        feed(params, step)
        optimizer.step()


def save_npz(path, state_dict):
    """Write a state dict as a checkpoint would: one array per entry, no pickle."""
    arrays = {}
    for index, values in state_dict["state"].items():
        arrays.update({f"state/{index}/{name}": np.asarray(v) for name, v in values.items()})
    for i, group in enumerate(state_dict["param_groups"]):
        arrays.update({f"param_groups/{i}/{name}": np.asarray(v) for name, v in group.items()})
    np.savez(path, **arrays)


def load_npz(path):
    state, groups = {}, {}
    with np.load(path, allow_pickle=False) as arrays:
        for key in arrays.files:
            kind, index, name = key.split("/")
            target = state if kind == "state" else groups
            target.setdefault(int(index), {})[name] = arrays[key]
    return {"state": state, "param_groups": [groups[i] for i in sorted(groups)]}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_resuming_from_an_npz_checkpoint_continues_exactly(name, dtype, tmp_path):
    make = OPTIMIZERS[name]
    params = make_params(dtype)
    uninterrupted = make(groups_of(params))
    train(uninterrupted, params, range(6))

    before = make_params(dtype)
    first = make(groups_of(before))
    train(first, before, range(3))
    save_npz(tmp_path / "optimizer.npz", first.state_dict())
    after = make_params(dtype, [p.numpy().copy() for p in before])
    resumed = make(groups_of(after))
    resumed.load_state_dict(load_npz(tmp_path / "optimizer.npz"))
    train(resumed, after, range(3, 6))

    for p, q in zip(params, after):
        assert q.dtype == dtype
        np.testing.assert_array_equal(q.numpy(), p.numpy())
    assert resumed.param_groups[1]["lr"] == 0.003


def test_state_dict_format_numbers_parameters_across_groups():
    a, b, c = make_params(np.float64)
    optimizer = SGD([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1, momentum=0.9)
    b.grad = cr.tensor(np.ones((2, 2)))
    optimizer.step()
    saved = optimizer.state_dict()
    assert set(saved["state"]) == {1}  # only b has state: a and c had no gradient
    np.testing.assert_array_equal(saved["state"][1]["momentum_buffer"], np.ones((2, 2)))
    settings = dict(momentum=0.9, dampening=0, weight_decay=0, nesterov=False)
    assert saved["param_groups"] == [
        dict(lr=0.1, **settings, params=[0, 1]),
        dict(lr=0.5, **settings, params=[2]),
    ]


def test_adam_state_holds_the_step_count_and_the_moments():
    w = make_params(np.float32)[0]
    optimizer = Adam([w], amsgrad=True)
    train(optimizer, [w], range(2))
    state = optimizer.state_dict()["state"][0]
    assert state["step"] == 2 and isinstance(state["step"], int)
    assert sorted(state) == ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"]
    assert all(state[k].dtype == np.float32 for k in ("exp_avg", "exp_avg_sq"))


def test_state_dict_arrays_are_copies():
    w = make_params(np.float64)[0]
    optimizer = Adam([w])
    train(optimizer, [w], range(1))
    saved = optimizer.state_dict()
    saved["state"][0]["exp_avg"][:] = 99.0
    assert not (optimizer.state[w]["exp_avg"] == 99.0).any()


def test_loaded_arrays_are_copied_in():
    w = make_params(np.float64)[0]
    optimizer = Adam([w])
    train(optimizer, [w], range(1))
    saved = optimizer.state_dict()
    optimizer.load_state_dict(saved)
    saved["state"][0]["exp_avg"][:] = 99.0
    assert not (optimizer.state[w]["exp_avg"] == 99.0).any()


def trained_adam(params):
    optimizer = Adam(params)
    train(optimizer, params, range(1))
    return optimizer


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda d: d.pop("state"), "exactly the keys 'state' and 'param_groups'"),
        (lambda d: d["param_groups"].append(dict(d["param_groups"][0])), "has 2 parameter groups"),
        (
            lambda d: d["param_groups"][0]["params"].pop(),
            "group 0 has 1 parameters in the loaded state but 2",
        ),
        (lambda d: d["state"][0].update(exp_avg=np.zeros(4)), r"state 'exp_avg' of parameter 0 "),
        (lambda d: d["state"][0].update(velocity=np.zeros(3)), "unknown state 'velocity'"),
        (lambda d: d["state"].update({7: {}}), "unknown parameter 7"),
        (lambda d: d["param_groups"][0].update(lr=-1.0), "lr must be a number >= 0"),
    ],
)
def test_a_mismatched_state_dict_is_refused_and_changes_nothing(edit, message):
    params = make_params(np.float64)[:2]
    optimizer = trained_adam(params)
    saved = optimizer.state_dict()
    edit(saved)
    before = optimizer.state_dict()
    with pytest.raises(ValueError, match=message):
        optimizer.load_state_dict(saved)
    after = optimizer.state_dict()
    assert after["param_groups"] == before["param_groups"]
    np.testing.assert_array_equal(after["state"][0]["exp_avg"], before["state"][0]["exp_avg"])


def test_shape_mismatch_names_both_shapes():
    optimizer = trained_adam(make_params(np.float64)[:1])
    other = Adam([cr.tensor(np.zeros(4), requires_grad=True)])
    with pytest.raises(ValueError, match=r"shape \(3,\), but the parameter has shape \(4,\)"):
        other.load_state_dict(optimizer.state_dict())
