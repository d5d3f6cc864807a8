"""Checkpoint files: exact round trips, atomic replacement, and refusing damaged, foreign,
pickled or mismatched files with an error that names the file and the problem."""

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from chainrule import checkpoint, optim
from chainrule.checkpoint import CheckpointError, archive

from tests.train.problems import blobs, mlp, parameters_of, setup

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def trained(seed=0, steps=3):
    """A model, Adam with state, and a schedule part-way through."""
    model, loss_fn, optimizer = setup(seed=seed, optimizer="adam", lr=0.01)
    schedule = optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    x, y = blobs(n=16, seed=seed)
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()
        schedule.step()
    return model, optimizer, schedule


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "run.npz"
    model, optimizer, schedule = trained()
    checkpoint.save(path, model, optimizer, schedule, extra={"epoch": 3})
    return path


def assert_same(a, b):
    """Equal nested states: arrays equal in dtype, shape and bits; everything else by ==."""
    assert type(a) is type(b)
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert a.tobytes() == b.tobytes()
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            assert_same(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    else:
        assert a == b or (a != a and b != b)  # nan equals nan here


def test_round_trip_restores_model_optimizer_schedule_and_extra_exactly(tmp_path):
    path = tmp_path / "run.npz"
    model, optimizer, schedule = trained(seed=0)
    extra = {
        "epoch": 3,
        "rng": np.random.default_rng(5).bit_generator.state,
        "betas": (0.9, 0.999),
        "history": [0.5, float("nan"), None],
        7: "int key",
    }
    checkpoint.save(path, model, optimizer, schedule, extra=extra)
    other_model, other_optimizer, other_schedule = trained(seed=1, steps=1)
    loaded = checkpoint.load(path, other_model, other_optimizer, other_schedule)
    assert_same(loaded, extra)
    assert_same(other_model.state_dict(), model.state_dict())
    assert_same(other_optimizer.state_dict(), optimizer.state_dict())
    assert_same(other_schedule.state_dict(), schedule.state_dict())


def test_read_returns_each_saved_part(saved):
    parts = checkpoint.read(saved)
    assert list(parts) == ["model", "optimizer", "scheduler", "extra"]
    assert parts["extra"] == {"epoch": 3}
    assert parts["optimizer"]["param_groups"][0]["betas"] == (0.9, 0.999)


def test_the_file_is_an_npz_of_prefixed_arrays_and_a_json_meta_entry(saved):
    with np.load(saved, allow_pickle=False) as npz:
        names = npz.files
        meta = json.loads(npz["__meta__"].tobytes().decode("utf-8"))
        weight = npz["model/0.weight"]
    assert "model/2.bias" in names and "optimizer/state/0/exp_avg" in names
    assert meta["format"] == "chainrule-checkpoint" and meta["version"] == 1
    assert len(meta["sha256"]) == 64
    np.testing.assert_array_equal(weight, trained()[0].state_dict()["0.weight"])


def test_the_same_state_gives_the_same_bytes(tmp_path):
    model = mlp()
    checkpoint.save(tmp_path / "a.npz", model, extra={"step": 1})
    checkpoint.save(tmp_path / "b.npz", model, extra={"step": 1})
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


def test_saving_over_a_file_replaces_it_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "run.npz"
    checkpoint.save(path, extra={"epoch": 1})
    checkpoint.save(path, extra={"epoch": 2})
    assert checkpoint.load(path) == {"epoch": 2}
    assert os.listdir(tmp_path) == ["run.npz"]


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failed_write_keeps_the_old_file_loadable(tmp_path, monkeypatch, failing):
    path = tmp_path / "run.npz"
    model = mlp(seed=0)
    checkpoint.save(path, model, extra={"epoch": 1})

    def crash(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, crash)
    with pytest.raises(CheckpointError, match="cannot write: No space left on device"):
        checkpoint.save(path, mlp(seed=1), extra={"epoch": 2})
    monkeypatch.undo()
    restored = mlp(seed=2)
    assert checkpoint.load(path, restored) == {"epoch": 1}
    assert_same(restored.state_dict(), model.state_dict())
    assert os.listdir(tmp_path) == ["run.npz"]


def test_a_process_killed_while_writing_leaves_the_old_file_loadable(tmp_path):
    path = tmp_path / "run.npz"
    checkpoint.save(path, extra={"epoch": 1})
    # The process dies (no cleanup at all) after the new file is written but before the rename.
    code = (
        "import os, sys\n"
        "from chainrule import checkpoint\n"
        "os.replace = lambda *args: os._exit(9)\n"
        "checkpoint.save(sys.argv[1], extra={'epoch': 2, 'big': list(range(10000))})\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], cwd=REPO, timeout=60)
    assert done.returncode == 9
    assert checkpoint.load(path) == {"epoch": 1}
    leftovers = [name for name in os.listdir(tmp_path) if name != "run.npz"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".run.npz.")


def test_every_truncation_is_refused(saved, tmp_path):
    data = saved.read_bytes()
    damaged = tmp_path / "damaged.npz"
    for size in [
        0,
        1,
        2,
        30,
        100,
        len(data) // 2,
        len(data) - 90,
        len(data) - 81,
        len(data) - 64,
        len(data) - 1,
    ]:
        damaged.write_bytes(data[:size])
        with pytest.raises(CheckpointError, match="damaged.npz: is (empty|truncated|damaged|not)"):
            checkpoint.load(damaged)


def test_every_flipped_bit_is_detected(saved, tmp_path):
    data = saved.read_bytes()
    damaged = tmp_path / "damaged.npz"
    # Headers, array bytes, the metadata, the zip directory and the seal at the end.
    for position in [*range(0, len(data), max(1, len(data) // 60)), len(data) - 1]:
        for bit in (0, 5):
            flipped = bytearray(data)
            flipped[position] ^= 1 << bit
            damaged.write_bytes(bytes(flipped))
            with pytest.raises(CheckpointError, match="damaged.npz: is (corrupted|damaged|not)"):
                checkpoint.load(damaged)


def sealed(arrays, tmp_path, allow_pickle=False):
    """Write ``arrays`` as this format's file would be, sealed, without save()'s checks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for key, array in arrays.items():
            with zipped.open(f"{key}.npy", "w") as member:
                np.lib.format.write_array(member, array, allow_pickle=allow_pickle)
        zipped.comment = bytes(archive.SEAL_SIZE)
    body = buffer.getvalue()[: -archive.SEAL_SIZE]
    path = tmp_path / "crafted.npz"
    path.write_bytes(body + archive.SEAL_TAG + hashlib.sha256(body).hexdigest().encode())
    return path


def meta_entry(meta):
    return np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)


ran = []


class Payload:
    def __reduce__(self):
        return (ran.append, ("unpickled",))


def test_an_object_array_is_refused_without_unpickling_it(tmp_path):
    payload = np.array([Payload()], dtype=object)
    # The metadata names the array, so that the file gets as far as its header.
    parts = {"model": {"items": [["w", {"array": "model/w"}]]}}
    meta = {"format": archive.FORMAT, "version": 1, "parts": parts, "sha256": ""}
    path = sealed({"__meta__": meta_entry(meta), "model/w": payload}, tmp_path, allow_pickle=True)
    with pytest.raises(CheckpointError, match="object array 'model/w'.*pickle.*refused"):
        checkpoint.load(path)
    np.savez(tmp_path / "plain.npz", w=payload)  # a plain npz with a pickle in it
    with pytest.raises(CheckpointError, match="not a chainrule checkpoint"):
        checkpoint.load(tmp_path / "plain.npz")
    assert ran == []


def test_object_arrays_and_functions_cannot_be_saved(tmp_path):
    with pytest.raises(CheckpointError, match="cannot store extra/x: an object array"):
        checkpoint.save(tmp_path / "a.npz", extra={"x": np.array([{}], dtype=object)})
    with pytest.raises(CheckpointError, match="cannot store extra/f: a function"):
        checkpoint.save(tmp_path / "a.npz", extra={"f": lambda: 0})
    assert os.listdir(tmp_path) == []


def test_files_of_other_formats_are_refused_by_name(tmp_path):
    (tmp_path / "text.npz").write_text("hello")
    np.savez(tmp_path / "plain.npz", w=np.ones(3))
    meta = {"format": "something-else", "version": 1}
    other = sealed({"__meta__": meta_entry(meta)}, tmp_path)
    with pytest.raises(CheckpointError, match=r"text.npz: is not a chainrule checkpoint \(not an"):
        checkpoint.load(tmp_path / "text.npz")
    with pytest.raises(CheckpointError, match="plain.npz: is not a chainrule checkpoint"):
        checkpoint.load(tmp_path / "plain.npz")
    with pytest.raises(CheckpointError, match="format 'something-else'"):
        checkpoint.load(other)


def test_a_newer_format_version_is_refused(tmp_path):
    meta = {"format": archive.FORMAT, "version": 2, "parts": {}}
    with pytest.raises(CheckpointError, match="format version 2; this chainrule reads version 1"):
        checkpoint.load(sealed({"__meta__": meta_entry(meta)}, tmp_path))


def test_a_metadata_checksum_that_does_not_match_is_refused(tmp_path):
    meta = {"format": archive.FORMAT, "version": 1, "parts": {}, "sha256": "0" * 64}
    with pytest.raises(CheckpointError, match="checksum over its arrays and metadata"):
        checkpoint.load(sealed({"__meta__": meta_entry(meta)}, tmp_path))


def test_a_missing_file_is_a_checkpoint_error(tmp_path):
    with pytest.raises(CheckpointError, match="nothing.npz: cannot read: No such file"):
        checkpoint.load(tmp_path / "nothing.npz")


def test_a_model_of_another_shape_is_refused_and_left_as_it_was(saved):
    from chainrule import nn

    wider = nn.Sequential(nn.Linear(2, 9), nn.Tanh(), nn.Linear(9, 2))
    before = parameters_of(wider)
    with pytest.raises(
        CheckpointError,
        match=r"'0.weight' has shape \(8, 2\) in the checkpoint "
        r"but \(9, 2\) in the model",
    ):
        checkpoint.load(saved, wider)
    assert_same(parameters_of(wider), before)


def test_a_model_with_other_layers_is_refused_naming_them(saved):
    from chainrule import nn

    with pytest.raises(
        CheckpointError,
        match="missing from the checkpoint: weight, bias; not in "
        "the model: 0.weight, 0.bias, 2.weight, 2.bias",
    ):
        checkpoint.load(saved, nn.Linear(2, 2))


def test_restoring_is_all_or_nothing(saved):
    model = mlp(seed=4)
    before = parameters_of(model)
    optimizer = optim.SGD(model.parameters(), lr=0.1)  # not the Adam that was saved
    with pytest.raises(CheckpointError, match="does not fit the optimizer"):
        checkpoint.load(saved, model, optimizer)
    assert_same(parameters_of(model), before)


def test_asking_for_a_part_that_was_not_saved_names_what_was(tmp_path):
    path = tmp_path / "model-only.npz"
    checkpoint.save(path, mlp())
    with pytest.raises(CheckpointError, match=r"holds no optimizer state \(it has: model\)"):
        checkpoint.load(path, optimizer=setup()[2])
