"""Checkpoints under faults: writers killed with SIGKILL mid-save, truncated, bit-flipped and
torn files, and hostile payloads (pickles, object arrays, lying headers) that must be refused
with a CheckpointError and no side effect.

The counts are figures of docs/reliability.md. CHAINRULE_RELIABILITY_KILLS raises the number
of killed writers (default 200) for a longer run.
"""

import hashlib
import io
import json
import os
import pickle
import re
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import chainrule as cr
from chainrule import checkpoint, files, nn, optim
from chainrule.checkpoint import CheckpointError, archive
from chainrule.checkpoint.encoding import content_digest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KILLS = int(os.environ.get("CHAINRULE_RELIABILITY_KILLS", "200"))
DAMAGES = 200


def small_run(seed=0):
    """A model, Adam with state and a schedule: every part a checkpoint holds."""
    cr.manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2))
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    schedule = optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    x = cr.tensor(np.random.default_rng(seed).normal(size=(16, 3)).astype(np.float32))
    for _ in range(3):
        optimizer.zero_grad()
        (model(x) ** 2).mean().backward()
        optimizer.step()
        schedule.step()
    return model, optimizer, schedule


def state_bytes(model):
    return {key: value.tobytes() for key, value in model.state_dict().items()}


@pytest.fixture(scope="module")
def good_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "run.npz"
    model, optimizer, schedule = small_run()
    checkpoint.save(path, model, optimizer, schedule, extra={"epoch": 3, "note": "good"})
    return path.read_bytes()


def assert_refused_without_effect(path, model):
    """Loading ``path`` into ``model`` raises CheckpointError and leaves the model as it was."""
    before = state_bytes(model)
    with pytest.raises(CheckpointError, match=f"checkpoint {re.escape(str(path))}: "):
        checkpoint.load(path, model)
    assert state_bytes(model) == before


# --- SIGKILL during saves --------------------------------------------------------------------


@pytest.fixture(scope="module")
def kill_report(tmp_path_factory):
    if not hasattr(os, "fork"):
        pytest.skip("the crash harness forks writers (POSIX only)")
    folder = tmp_path_factory.mktemp("killed")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.reliability.crash_writer",
            str(folder),
            "--kills",
            str(KILLS),
            "--seed",
            "0",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_sigkill_during_saves_always_leaves_the_old_or_the_new_checkpoint(kill_report):
    assert kill_report["errors"] == []
    assert kill_report["old"] + kill_report["new"] == KILLS


def test_killed_saves_leave_nothing_but_their_own_temporary_files(kill_report):
    assert kill_report["other_files"] == []
    assert kill_report["temporaries_after_kills"] <= KILLS


def test_the_next_save_removes_temporary_files_of_killed_writers(kill_report):
    # Each save removes those of dead writers: at most the one of the last kill is left.
    assert kill_report["temporaries_after_kills"] <= 1
    assert kill_report["temporaries_after_next_save"] == 0


@pytest.mark.skipif(os.name == "nt", reason="process ids are probed with os.kill (POSIX)")
def test_a_save_removes_only_the_temporary_files_of_dead_writers_of_its_own_file(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid, host = int(dead.stdout), files._HOST
    names = {
        "dead writer": f".run.npz.{host}.{dead_pid}.0123abcd.tmp",
        "live writer": f".run.npz.{host}.{os.getppid()}.0123abcd.tmp",
        "other machine": f".run.npz.elsewhere-{host}.{dead_pid}.0123abcd.tmp",
        "other file": f".other.npz.{host}.{dead_pid}.0123abcd.tmp",
        "not ours": f".run.npz.{host}.{dead_pid}.notours.tmp",
    }
    for name in names.values():
        (tmp_path / name).write_bytes(b"partial")
    checkpoint.save(tmp_path / "run.npz", extra={"step": 1})
    left = set(os.listdir(tmp_path))
    assert names["dead writer"] not in left
    assert left == {"run.npz"} | set(names.values()) - {names["dead writer"]}


# --- damaged files ---------------------------------------------------------------------------


def test_every_random_truncation_is_refused(good_file, tmp_path):
    rng = np.random.default_rng(1)
    path = tmp_path / "damaged.npz"
    model = small_run(seed=1)[0]
    for size in rng.integers(0, len(good_file), size=DAMAGES):
        path.write_bytes(good_file[:size])
        assert_refused_without_effect(path, model)


def test_every_random_bit_flip_is_refused(good_file, tmp_path):
    rng = np.random.default_rng(2)
    path = tmp_path / "damaged.npz"
    model = small_run(seed=1)[0]
    positions = rng.integers(0, len(good_file), size=DAMAGES)
    for position, bit in zip(positions, rng.integers(0, 8, size=DAMAGES)):
        flipped = bytearray(good_file)
        flipped[position] ^= 1 << int(bit)
        path.write_bytes(bytes(flipped))
        assert_refused_without_effect(path, model)


def test_every_torn_block_and_appended_tail_is_refused(good_file, tmp_path):
    # A torn write: one 512-byte sector zeroed or filled with noise; a tail left by another file.
    rng = np.random.default_rng(3)
    path = tmp_path / "damaged.npz"
    model = small_run(seed=1)[0]
    sectors = len(good_file) // 512 + 1
    for sector in rng.integers(0, sectors, size=DAMAGES):
        torn = bytearray(good_file)
        start, end = 512 * int(sector), min(512 * (int(sector) + 1), len(good_file))
        torn[start:end] = rng.bytes(end - start) if sector % 2 else bytes(end - start)
        if torn == bytearray(good_file):
            continue
        path.write_bytes(bytes(torn))
        assert_refused_without_effect(path, model)
    for length in rng.integers(1, 4096, size=50):
        path.write_bytes(good_file + rng.bytes(int(length)))
        assert_refused_without_effect(path, model)


# --- hostile payloads ------------------------------------------------------------------------


class CreatesFile:
    """Unpickling this object creates the file ``marker``: proof that code ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def npy(array, allow_pickle=False):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def sealed(members, path, compression=zipfile.ZIP_STORED):
    """Write ``members`` (name -> .npy bytes) as a zip sealed exactly as save() seals its
    files: anyone can compute the seal, so a hostile file passes it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zipped:
        for name, raw in members.items():
            zipped.writestr(f"{name}.npy", raw)
        zipped.comment = bytes(archive.SEAL_SIZE)
    body = buffer.getvalue()[: -archive.SEAL_SIZE]
    seal = archive.SEAL_TAG + hashlib.sha256(body).hexdigest().encode()
    path.write_bytes(body + seal)
    return path


def meta_npy(arrays, parts):
    meta = {"format": archive.FORMAT, "version": archive.VERSION, "parts": parts}
    meta["sha256"] = content_digest(meta, arrays)
    return npy(np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))


def hostile_files(folder, marker):
    """Files that would run ``CreatesFile(marker)`` if anything unpickled them."""
    payload = np.array([CreatesFile(marker)], dtype=object)
    parts = {"model": {"items": [["0.weight", {"array": "model/0.weight"}]]}}
    files = {
        "raw pickle": folder / "raw.npz",
        "pickled .npy": folder / "array.npz",
        "plain .npz with an object array": folder / "plain.npz",
    }
    files["raw pickle"].write_bytes(pickle.dumps(CreatesFile(marker)))
    files["pickled .npy"].write_bytes(npy(payload, allow_pickle=True))
    np.savez(files["plain .npz with an object array"], w=payload)
    files["sealed checkpoint with an object array"] = sealed(
        {"__meta__": meta_npy({}, parts), "model/0.weight": npy(payload, allow_pickle=True)},
        folder / "sealed.npz",
    )
    files["sealed checkpoint with a valid checksum over an object array"] = sealed(
        {"__meta__": meta_npy({}, {}), "extra": npy(payload, allow_pickle=True)},
        folder / "checksummed.npz",
    )
    files["object array as the metadata"] = sealed(
        {"__meta__": npy(payload, allow_pickle=True)}, folder / "meta.npz"
    )
    files["deflated sealed checkpoint with an object array"] = sealed(
        {"__meta__": meta_npy({}, parts), "model/0.weight": npy(payload, allow_pickle=True)},
        folder / "deflated.npz",
        zipfile.ZIP_DEFLATED,
    )
    return files


def test_the_payload_is_live_so_the_canary_means_something(tmp_path):
    marker = tmp_path / "ran"
    pickle.loads(pickle.dumps(CreatesFile(marker)))
    assert marker.exists()


def test_pickles_and_object_arrays_are_refused_with_no_side_effect(tmp_path):
    marker = tmp_path / "code-ran"
    folder = tmp_path / "files"
    folder.mkdir()
    files = hostile_files(folder, marker)
    model = small_run()[0]
    listing = sorted(os.listdir(folder))
    for kind, path in files.items():
        contents = path.read_bytes()
        assert_refused_without_effect(path, model)
        with pytest.raises(CheckpointError):
            checkpoint.read(path)
        assert not marker.exists(), kind
        assert path.read_bytes() == contents, kind
    assert sorted(os.listdir(folder)) == listing


def test_saving_an_object_array_is_refused_and_writes_nothing(tmp_path):
    marker = tmp_path / "code-ran"
    payload = np.array([CreatesFile(marker)], dtype=object)
    with pytest.raises(CheckpointError, match="object array"):
        checkpoint.save(tmp_path / "run.npz", extra={"weights": payload})
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("entry", ["__meta__", "model/0.weight"])
def test_a_header_claiming_an_impossible_shape_is_refused(tmp_path, entry):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**13,)}
    )
    members = {"__meta__": meta_npy({}, {}), entry: header.getvalue() + bytes(16)}
    path = sealed(members, tmp_path / "liar.npz")
    assert_refused_without_effect(path, small_run()[0])
