"""chainrule.files: the one atomic write every writer uses (checkpoints, pictures, the data cache)
respects what is at the path — permissions, owner, symlinks — refuses what is not a regular file,
and leaves no temporary file; the guarded open refuses FIFOs and devices without blocking."""

import os
import socket
import stat

import numpy as np
import pytest

import chainrule as cr
from chainrule import checkpoint, data, files
from chainrule.files import NotARegularFile, atomic_writer, open_regular, write_atomically

POSIX = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions, FIFOs and devices")


def picture_save(path):
    cr.draw_graph(lambda x: cr.sin(x) * x, 1.0).save(path)


# Every writer of the package, each through chainrule.files.
WRITERS = {
    "checkpoint.save": lambda path: checkpoint.save(path, extra={"epoch": 1}),
    "GraphPicture.save": picture_save,
    "data.write_atomic": lambda path: data.write_atomic(path, b"cache"),
    "data.write_idx": lambda path: data.write_idx(path, np.arange(3, dtype=np.uint8)),
    "files.write_atomically": lambda path: write_atomically(path, b"bytes"),
}


def written_name(writer):
    return "out.dot" if writer == "GraphPicture.save" else "out.bin"


def left_in(folder):
    return sorted(name for name in os.listdir(folder) if name.endswith((".tmp", ".part")))


@POSIX
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_replaced_file_keeps_its_permission_bits(tmp_path, writer):
    # Found by the review: a chmod 600 checkpoint came back 0644.
    path = tmp_path / written_name(writer)
    path.write_bytes(b"old")
    path.chmod(0o600)
    WRITERS[writer](path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o640)
    WRITERS[writer](path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert left_in(tmp_path) == []


@POSIX
def test_a_new_file_gets_the_permissions_the_umask_gives(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomically(tmp_path / "new", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o640


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_a_replaced_file_keeps_its_owner_and_group_where_the_process_may_set_them(tmp_path):
    path = tmp_path / "owned"
    path.write_bytes(b"old")
    os.chown(path, 65534, 65534)
    write_atomically(path, b"new")
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534)


@POSIX
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_symlink_is_followed_and_its_target_replaced(tmp_path, writer):
    target = tmp_path / "real" / written_name(writer)
    target.parent.mkdir()
    target.write_bytes(b"old")
    target.chmod(0o600)
    link = tmp_path / ("link" + target.suffix)
    link.symlink_to(target)
    WRITERS[writer](link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() != b"old" and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert left_in(tmp_path) == left_in(target.parent) == []


def special_files(folder, suffix=".bin"):
    """A FIFO, a socket and a folder at paths a writer is given, and a device."""
    made = {"folder": folder / f"folder{suffix}", "device": "/dev/null"}
    made["folder"].mkdir()
    if suffix == ".dot":  # a picture is saved by its suffix; a device has its own name
        os.symlink("/dev/null", folder / "device.dot")
        made["device"] = folder / "device.dot"
    if hasattr(os, "mkfifo"):
        made["fifo"] = folder / f"fifo{suffix}"
        os.mkfifo(made["fifo"])
    if hasattr(socket, "AF_UNIX"):
        made["socket"] = folder / f"socket{suffix}"
        with socket.socket(socket.AF_UNIX) as bound:
            bound.bind(str(made["socket"]))
    return made


KINDS = {
    "folder": "a directory",
    "fifo": "a FIFO",
    "socket": "a socket",
    "device": "a character device",
}


@POSIX
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_anything_but_a_regular_file_is_refused_and_left_as_it_was(tmp_path, writer):
    # Found by the review: a FIFO, a device (as root, --save /dev/null replaced /dev/null) and
    # a symlink each became a regular file.
    suffix = os.path.splitext(written_name(writer))[1]
    for kind, path in special_files(tmp_path, suffix).items():
        before = os.stat(path)
        with pytest.raises((NotARegularFile, checkpoint.CheckpointError)) as refused:
            WRITERS[writer](path)
        assert f"it is {KINDS[kind]}" in str(refused.value), kind
        assert "not a regular file (refusing to replace it)" in str(refused.value), kind
        after = os.stat(path)
        assert (after.st_mode, after.st_ino, after.st_rdev) == (
            before.st_mode,
            before.st_ino,
            before.st_rdev,
        )
    assert left_in(tmp_path) == []


@POSIX
def test_a_symlink_to_a_device_is_refused_too(tmp_path):
    (tmp_path / "null.npz").symlink_to("/dev/null")
    with pytest.raises(checkpoint.CheckpointError, match="character device"):
        checkpoint.save(tmp_path / "null.npz", extra={})
    assert os.readlink(tmp_path / "null.npz") == "/dev/null"


def test_an_exception_in_the_block_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "kept"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_writer(path) as file:
            file.write(b"half")
            raise RuntimeError("interrupted")
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["kept"]


@POSIX
@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "socket"])
def test_reading_anything_but_a_regular_file_is_refused_without_blocking(tmp_path, kind):
    # Found by the review: a FIFO blocked checkpoint.load forever, /dev/zero was a MemoryError.
    path = special_files(tmp_path).get(kind)
    if path is None:
        pytest.skip(f"no {kind} on this system")
    with pytest.raises(NotARegularFile, match=f"it is {KINDS[kind]}"):
        open_regular(path)
    with pytest.raises(checkpoint.CheckpointError, match=f"cannot read: it is {KINDS[kind]}"):
        checkpoint.load(path)
    with pytest.raises(NotARegularFile):
        data.read_idx(path)


@POSIX
def test_dev_zero_is_refused_at_once():
    with pytest.raises(checkpoint.CheckpointError, match="/dev/zero: cannot read: it is a char"):
        checkpoint.load("/dev/zero")
    with pytest.raises(NotARegularFile):
        data.read_idx("/dev/zero")
    with pytest.raises(NotARegularFile):
        data.sha256_of("/dev/zero")


def test_a_missing_file_is_an_ordinary_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        open_regular(tmp_path / "missing")
    assert not isinstance(FileNotFoundError(), NotARegularFile)
    assert files.NotARegularFile.__mro__[1] is OSError


@POSIX
def test_train_refuses_to_save_over_a_device_before_it_trains(capsys):
    from chainrule.cli import main

    assert main(["train", "--epochs", "1", "--save", "/dev/null"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "chainrule train: --save /dev/null: it is a character device, not a regular file "
        "(refusing to replace it)\n"
    )


@POSIX
def test_graph_refuses_to_write_over_a_fifo_before_it_draws(tmp_path, capsys):
    from chainrule.cli import main

    os.mkfifo(tmp_path / "pipe.dot")
    assert main(["graph", "sin(x)", "--at", "x=1", "-o", str(tmp_path / "pipe.dot")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "pipe.dot: it is a FIFO (named pipe), not a regular file" in err
