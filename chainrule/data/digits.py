"""The 8×8 handwritten digits shipped inside chainrule, so that examples run offline.

1,797 images of the digits 0-9 (about 180 of each), each an 8×8 grid of counts 0..16: the
test part of the UCI ML "Optical Recognition of Handwritten Digits" data set by E. Alpaydin
and C. Kaynak (1998), https://doi.org/10.24432/C50P49, licensed CC BY 4.0. The copy in
``digits.npz`` holds the same numbers as the one scikit-learn distributes, stored as uint8.
"""

from __future__ import annotations

import hashlib
import io
from importlib import resources

import numpy as np

from chainrule.data.images import labelled_images

_FILE = "digits.npz"
_SHA256 = "b2dab7b501728c22e9119ad76740b2e17c77a231e42d1e592380d90886f1a05e"


def load_digits(as_float=True, flatten=False):
    """The 1,797 built-in 8×8 handwritten digits and their labels 0..9.

    Args:
        as_float: images as float32 in [0, 1] (the counts divided by 16); when False, the raw
            counts 0..16 as uint8.
        flatten: images as rows of 64 pixels, shape (1797, 64), ready for a linear layer;
            by default 8×8 grids, shape (1797, 8, 8).

    Returns:
        ``(images, labels)``: NumPy arrays, labels int64 of shape (1797,).

    Raises:
        OSError: the shipped file is damaged (its SHA-256 is checked at every load).

    Example:
        >>> from chainrule.data import load_digits
        >>> images, labels = load_digits()
        >>> images.shape, images.dtype, labels[:8]
        ((1797, 8, 8), dtype('float32'), array([0, 1, 2, 3, 4, 5, 6, 7]))
    """
    raw = (resources.files("chainrule.data") / _FILE).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != _SHA256:
        raise OSError(
            f"chainrule's built-in {_FILE} is damaged (SHA-256 {digest}, expected {_SHA256}); "
            "reinstall chainrule"
        )
    with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
        images, labels = archive["images"], archive["labels"]
    return labelled_images(images, labels, 16, as_float, flatten)


__all__ = ["load_digits"]
