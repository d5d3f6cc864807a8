"""Memory bounded by what a file claims, and time linear in its size: decompression bombs in a
sealed checkpoint and in an IDX file, archives of many entries, headers claiming too much.

The bombs inflate to CHAINRULE_RELIABILITY_BOMB_MIB MiB (64 in CI; the report uses 600 and
841, the sizes of the review's findings). Each is read in a fresh process, whose peak memory
may grow by at most a few MiB, far below what the bomb inflates to.
"""

import gzip
import json
import os
import struct
import subprocess
import sys
import time
import zipfile

import pytest

from chainrule import checkpoint
from chainrule.checkpoint import CheckpointError
from chainrule.checkpoint.entries import MAX_ENTRIES
from chainrule.data import parse_idx, read_idx
from tests.reliability import archives

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BOMB_MIB = int(os.environ.get("CHAINRULE_RELIABILITY_BOMB_MIB", "64"))
# What a refused read may add to the peak memory of the process (MiB).
GROWTH_MIB = 16


def probe(kind, path):
    """What reading ``path`` gives in a fresh process, with its peak memory."""
    command = [sys.executable, "-m", "tests.reliability.bounded_memory", kind, str(path)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    "method, refusal",
    [
        (zipfile.ZIP_BZIP2, "holds a compressed entry 'x.npy' (bzip2)"),
        (zipfile.ZIP_DEFLATED, "holds a compressed entry 'x.npy' (deflate)"),
        (zipfile.ZIP_STORED, "holds entries that its metadata does not name ('x'); refused"),
    ],
)
def test_an_entry_the_metadata_does_not_name_is_refused_before_it_is_inflated(
    tmp_path, method, refusal
):
    # Found by the review: a 2,360-byte sealed checkpoint with one extra bzip2 entry of 600 MiB
    # loaded at 1.25 GB peak memory (a bare MemoryError under a memory limit).
    size = (BOMB_MIB << 20) if method != zipfile.ZIP_STORED else 1 << 20
    path = tmp_path / "bomb.npz"
    path.write_bytes(archives.with_extra_entry(method, size))
    figures = probe("checkpoint", path)
    assert figures["outcome"] == "CheckpointError"
    assert refusal in figures["message"]
    assert figures["peak_mib"] - figures["before_mib"] < GROWTH_MIB


def test_a_gzipped_idx_file_is_inflated_only_as_far_as_its_header_claims(tmp_path):
    # Found by the review: a 408 kB gzip inflated to 841 MiB before its 3-value header was read.
    path = tmp_path / "bomb-idx1-ubyte.gz"
    path.write_bytes(archives.idx_bomb(3, BOMB_MIB << 20))
    figures = probe("idx", path)
    assert figures["outcome"] == "ValueError"
    assert figures["message"] == (
        f"{path}: extra bytes after the data: shape (3,) of uint8 needs 11 bytes, the file "
        "inflates to more; refused uninflated"
    )
    assert figures["peak_mib"] - figures["before_mib"] < GROWTH_MIB


def idx_header(*shape, code=0x08):
    return struct.pack(f">HBB{len(shape)}I", 0, code, len(shape), *shape)


def test_the_idx_size_check_does_not_overflow():
    # Found by the review: shape 2³¹ × 2³¹ × 4 gave 2⁶⁴ bytes, 0 in int64, so the header alone
    # passed the check.
    with pytest.raises(ValueError, match=r"^labels: truncated IDX file: shape \(2147483648, "):
        parse_idx(idx_header(2**31, 2**31, 4), name="labels")


def test_an_idx_header_claiming_more_than_the_cap_is_refused_uninflated(tmp_path):
    path = tmp_path / "huge.gz"
    path.write_bytes(gzip.compress(idx_header(2**31, 2**31, 4) + bytes(100)))
    with pytest.raises(ValueError, match=r"huge.gz: the header claims shape .* more than the"):
        read_idx(path)
    path.write_bytes(idx_header(2000) + bytes(2000))  # a plain file: its size is real
    with pytest.raises(ValueError, match=r"the file is larger than 1,000 bytes; refused"):
        read_idx(path, max_bytes=1000)


def test_a_gzipped_idx_file_of_several_members_is_read_whole(tmp_path):
    raw = idx_header(2, 3) + bytes(range(6))
    (tmp_path / "two.gz").write_bytes(gzip.compress(raw[:7]) + gzip.compress(raw[7:]))
    assert read_idx(tmp_path / "two.gz").tolist() == [[0, 1, 2], [3, 4, 5]]


def test_an_archive_of_more_entries_than_the_cap_is_refused_before_its_directory_is_read(
    tmp_path,
):
    # Found by the review: 100k one-byte entries had not loaded after 290 s.
    path = tmp_path / "many.npz"
    path.write_bytes(archives.many_unnamed_entries(100_000))
    with pytest.raises(
        CheckpointError, match=f"has 100,001 entries, more than the {MAX_ENTRIES:,}"
    ):
        checkpoint.load(path)


def test_entries_the_metadata_does_not_name_are_refused_by_name(tmp_path):
    path = tmp_path / "many.npz"
    path.write_bytes(archives.many_unnamed_entries(16_384))
    with pytest.raises(CheckpointError, match=r"\('m0', 'm1', 'm10' and 16,381 more\); refused"):
        checkpoint.load(path)


def cpu_seconds_to_read(path, repeats=3):
    """The least CPU time of a few reads: a measure of work that waiting for a busy machine's
    cores does not change."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        checkpoint.read(path)
        times.append(time.process_time() - start)
    return min(times)


def test_load_time_grows_linearly_with_the_number_of_entries(tmp_path):
    # Found by the review: 16k one-byte entries took 5.8 s (each lookup listed every entry).
    # Four times the entries must take about four times the work, far from sixteen.
    small = archives.many_arrays(tmp_path / "small.npz", 2_048)
    large = archives.many_arrays(tmp_path / "large.npz", 8_192)
    assert len(checkpoint.read(large)["extra"]) == 8_192
    ratio = cpu_seconds_to_read(large) / cpu_seconds_to_read(small)
    assert ratio < 8, f"4 times the entries took {ratio:.1f} times the work"
