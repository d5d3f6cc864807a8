"""The built-in 8×8 digits: shapes, dtypes, value ranges, class counts, the file's checksum."""

import hashlib
from importlib import resources

import numpy as np
import pytest

from chainrule.data import digits, load_digits

# Examples per class in the UCI test part (optdigits.tes), as UCI lists them.
CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_digits_are_float32_grids_in_unit_range_with_int64_labels():
    images, labels = load_digits()
    assert images.shape == (1797, 8, 8) and images.dtype == np.float32
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert images.min() == 0.0 and images.max() == 1.0


def test_digits_have_the_published_class_counts():
    _, labels = load_digits()
    assert np.bincount(labels).tolist() == CLASS_COUNTS


def test_raw_digits_are_counts_from_0_to_16_and_flatten_gives_rows():
    raw, _ = load_digits(as_float=False, flatten=True)
    assert raw.shape == (1797, 64) and raw.dtype == np.uint8
    assert raw.min() == 0 and raw.max() == 16
    scaled, _ = load_digits(flatten=True)
    np.testing.assert_array_equal(scaled * 16, raw)


def test_first_digit_is_the_familiar_zero():
    raw, labels = load_digits(as_float=False)
    assert labels[0] == 0
    assert raw[0, 0].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


def test_shipped_file_matches_its_recorded_checksum():
    raw = (resources.files("chainrule.data") / "digits.npz").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == digits._SHA256
    assert len(raw) < 64_000


def test_a_damaged_file_is_refused(monkeypatch):
    monkeypatch.setattr(digits, "_SHA256", "0" * 64)
    with pytest.raises(OSError, match="digits.npz is damaged.*reinstall chainrule"):
        load_digits()
