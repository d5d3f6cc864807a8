"""Data for training: datasets, batching, train/test splits, and image data sets to learn from.

``load_digits`` ships inside the package (1,797 8×8 digits, works offline); ``load_mnist`` and
``load_fashion_mnist`` download once into a cache and check every file's SHA-256.

Example:
    >>> from chainrule.data import ArrayDataset, DataLoader, load_digits, train_test_split
    >>> images, labels = load_digits(flatten=True)
    >>> x_train, x_test, y_train, y_test = train_test_split(images, labels, stratify=labels)
    >>> loader = DataLoader(ArrayDataset(x_train, y_train), batch_size=64, shuffle=True, seed=0)
    >>> x, y = next(iter(loader))
    >>> x.shape, y.shape, len(loader)
    ((64, 64), (64,), 23)
"""

from chainrule.data.cache import cache_dir, fetch, sha256_of, write_atomic
from chainrule.data.dataset import ArrayDataset, Dataset, Subset
from chainrule.data.digits import load_digits
from chainrule.data.idx import parse_idx, read_idx, write_idx
from chainrule.data.loader import DataLoader
from chainrule.data.mnist import load_fashion_mnist, load_mnist
from chainrule.data.split import random_split, train_test_split

__all__ = [
    # datasets and batches
    "Dataset",
    "ArrayDataset",
    "Subset",
    "DataLoader",
    "random_split",
    "train_test_split",
    # data sets
    "load_digits",
    "load_mnist",
    "load_fashion_mnist",
    # files
    "read_idx",
    "parse_idx",
    "write_idx",
    "cache_dir",
    "fetch",
    "sha256_of",
    "write_atomic",
]
