"""How the image loaders hand out labelled images: raw bytes or floats in [0, 1], grids or rows."""

from __future__ import annotations

import numpy as np


def labelled_images(images, labels, maximum, as_float, flatten):
    """``(images, labels)`` as the loaders return them; ``maximum`` is the brightest pixel value.

    Images become float32 in [0, 1] when ``as_float`` (else they keep their unsigned bytes), and
    rows of ``height * width`` values when ``flatten``; labels become int64, the dtype that
    cross_entropy and nll_loss take as class indices.
    """
    if flatten:
        images = images.reshape(len(images), -1)
    if as_float:
        images = images.astype(np.float32) / np.float32(maximum)
    return images, labels.astype(np.int64)


__all__ = ["labelled_images"]
