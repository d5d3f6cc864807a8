"""Downloads into the cache: SHA-256 checked, atomic, offline errors. Never uses the network:
files are served by a fake opener or from a temporary folder through file:// URLs."""

import hashlib
import io
import urllib.error

import numpy as np
import pytest

from chainrule.data import cache_dir, fetch, load_fashion_mnist, load_mnist, write_idx
from chainrule.data.mnist import MNIST, ImageSource, load_images

IMAGES, LABELS = "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"


def sha256(raw):
    return hashlib.sha256(raw).hexdigest()


class FakeOpener:
    """Serves fixed bytes per file name, or raises, and remembers what was asked for."""

    def __init__(self, files=None, error=None):
        self.files, self.error, self.urls = files or {}, error, []

    def __call__(self, url):
        self.urls.append(url)
        if self.error is not None:
            raise self.error
        return io.BytesIO(self.files[url.rsplit("/", 1)[1]])


class BrokenStream(io.BytesIO):
    def read(self, size=-1):
        if self.tell():
            raise ConnectionResetError("connection reset by peer")
        return super().read(4)


def files_in(folder):
    return sorted(path.name for path in folder.rglob("*")) if folder.exists() else []


def tiny_split(folder):
    """Four 2×3 images with labels, as gzipped IDX files; returns the source describing them."""
    write_idx(folder / IMAGES, np.arange(24, dtype=np.uint8).reshape(4, 2, 3) * 10)
    write_idx(folder / LABELS, np.array([3, 1, 4, 1], dtype=np.uint8))
    hashes = {name: sha256((folder / name).read_bytes()) for name in (IMAGES, LABELS)}
    return ImageSource("Tiny", "tiny", folder.as_uri() + "/", hashes)


def test_fetch_keeps_a_verified_download_and_nothing_else(tmp_path):
    opener = FakeOpener({"a.bin": b"payload"})
    path = fetch(
        "https://example.org/a.bin", tmp_path / "cache" / "a.bin", sha256(b"payload"), opener
    )
    assert path.read_bytes() == b"payload"
    assert opener.urls == ["https://example.org/a.bin"]
    assert files_in(tmp_path / "cache") == ["a.bin"]


def test_fetch_rejects_a_corrupted_download_and_leaves_no_file(tmp_path):
    opener = FakeOpener({"a.bin": b"payload, damaged"})
    with pytest.raises(ValueError, match="corrupted or not the expected file.*nothing was saved"):
        fetch("https://example.org/a.bin", tmp_path / "a.bin", sha256(b"payload"), opener)
    assert files_in(tmp_path) == []


def test_fetch_interrupted_midway_leaves_no_partial_file(tmp_path):
    opener = lambda url: BrokenStream(b"0123456789")
    with pytest.raises(ConnectionError, match="connection reset by peer"):
        fetch("https://example.org/a.bin", tmp_path / "a.bin", sha256(b"0123456789"), opener)
    assert files_in(tmp_path) == []


def test_fetch_reads_file_urls_with_the_default_opener(tmp_path):
    (tmp_path / "served.bin").write_bytes(b"abc")
    fetch((tmp_path / "served.bin").as_uri(), tmp_path / "copy.bin", sha256(b"abc"))
    assert (tmp_path / "copy.bin").read_bytes() == b"abc"


def test_load_images_downloads_once_then_reads_the_cache(tmp_path):
    source = tiny_split(tmp_path / "served")
    images, labels = load_images(
        source, root=tmp_path / "cache", train=True, download=True, as_float=True, flatten=False
    )
    assert images.shape == (4, 2, 3) and images.dtype == np.float32
    assert images.max() == np.float32(230 / 255) and labels.tolist() == [3, 1, 4, 1]
    assert labels.dtype == np.int64
    assert files_in(tmp_path / "cache") == ["tiny", IMAGES, LABELS]
    offline = FakeOpener(error=urllib.error.URLError("no network"))
    raw, _ = load_images(
        source,
        tmp_path / "cache",
        train=True,
        download=True,
        as_float=False,
        flatten=True,
        opener=offline,
    )
    assert raw.shape == (4, 6) and raw.dtype == np.uint8 and offline.urls == []


def test_load_mnist_rejects_a_download_whose_sha256_is_not_the_published_one(tmp_path):
    opener = FakeOpener({IMAGES: b"not mnist", LABELS: b"not mnist"})
    with pytest.raises(ValueError, match=f"{IMAGES} is corrupted.*{MNIST.sha256[IMAGES]}"):
        load_mnist(root=tmp_path, opener=opener)
    assert opener.urls == [MNIST.base_url + IMAGES]
    assert files_in(tmp_path / "mnist") == []


def test_load_mnist_offline_says_where_to_put_which_files(tmp_path):
    offline = FakeOpener(error=urllib.error.URLError("Name or service not known"))
    with pytest.raises(ConnectionError) as raised:
        load_mnist(root=tmp_path, train=False, opener=offline)
    message = str(raised.value)
    assert "could not download https://ossci-datasets.s3.amazonaws.com/mnist/t10k-images" in message
    assert "Name or service not known" in message
    assert f"put them, with these names, in {tmp_path / 'mnist'}" in message
    assert all(name in message for name in MNIST.sha256)
    assert files_in(tmp_path / "mnist") == []


def test_missing_files_without_download_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"Fashion-MNIST: .*train-images.* is missing"):
        load_fashion_mnist(root=tmp_path, download=False)


def test_a_cached_file_with_the_wrong_sha256_is_refused(tmp_path):
    (tmp_path / "mnist").mkdir()
    (tmp_path / "mnist" / IMAGES).write_bytes(b"stale")
    with pytest.raises(ValueError, match="is not the MNIST file.*delete it"):
        load_mnist(root=tmp_path, opener=FakeOpener(error=AssertionError("no download")))


def test_base_url_points_downloads_at_another_mirror(tmp_path):
    source = tiny_split(tmp_path / "served")
    mirror = ImageSource("Tiny", "tiny", "https://unreachable.invalid/", source.sha256)
    _, labels = load_images(
        mirror,
        tmp_path,
        train=True,
        download=True,
        as_float=True,
        flatten=False,
        base_url=source.base_url,
    )
    assert labels.tolist() == [3, 1, 4, 1]


def test_files_that_are_not_image_and_label_pairs_are_refused(tmp_path):
    served = tmp_path / "served"
    write_idx(served / IMAGES, np.zeros((4, 6), dtype=np.uint8))
    write_idx(served / LABELS, np.zeros(4, dtype=np.uint8))
    hashes = {name: sha256((served / name).read_bytes()) for name in (IMAGES, LABELS)}
    source = ImageSource("Flat", "flat", served.as_uri(), hashes)
    with pytest.raises(ValueError, match=r"Flat: .*\(n, height, width\).*\(4, 6\) and \(4,\)"):
        load_images(
            source, root=tmp_path / "cache", train=True, download=True, as_float=True, flatten=False
        )


def test_cache_folder_comes_from_root_then_environment_then_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINRULE_DATA", str(tmp_path / "env"))
    assert cache_dir() == tmp_path / "env"
    assert cache_dir(tmp_path / "root") == tmp_path / "root"
    monkeypatch.delenv("CHAINRULE_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "chainrule"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir().parts[-2:] == (".cache", "chainrule")


def unpacked_split(folder, labels=(3, 1, 4, 1)):
    """``tiny_split``'s files uncompressed (named without .gz), with their sums on record."""
    names = [name.removesuffix(".gz") for name in (IMAGES, LABELS)]
    write_idx(folder / names[0], np.arange(24, dtype=np.uint8).reshape(4, 2, 3) * 10)
    write_idx(folder / names[1], np.array(labels, dtype=np.uint8))
    return {name: sha256((folder / name).read_bytes()) for name in names}


def test_uncompressed_files_in_the_cache_are_read_without_a_download(tmp_path):
    source = ImageSource(
        "Tiny",
        "tiny",
        "https://unreachable.invalid/",
        {IMAGES: "0" * 64, LABELS: "0" * 64},
        unpacked_split(tmp_path / "tiny"),
    )
    offline = FakeOpener(error=AssertionError("no download"))
    images, labels = load_images(source, tmp_path, as_float=False, opener=offline)
    assert images.shape == (4, 2, 3) and images[3, 1, 2] == 230
    assert labels.tolist() == [3, 1, 4, 1] and offline.urls == []


def test_the_gzipped_file_is_preferred_when_both_are_in_the_cache(tmp_path):
    source = tiny_split(tmp_path / "tiny")
    unpacked = unpacked_split(tmp_path / "tiny", labels=(0, 0, 0, 0))
    both = ImageSource("Tiny", "tiny", source.base_url, source.sha256, unpacked)
    _, labels = load_images(both, tmp_path, opener=FakeOpener(error=AssertionError("offline")))
    assert labels.tolist() == [3, 1, 4, 1]


def test_an_uncompressed_mnist_file_with_the_wrong_sha256_is_refused(tmp_path):
    (tmp_path / "mnist").mkdir()
    (tmp_path / "mnist" / "t10k-images-idx3-ubyte").write_bytes(b"not the test images")
    expected = MNIST.unpacked_sha256["t10k-images-idx3-ubyte"]
    with pytest.raises(
        ValueError, match=f"is not the MNIST file t10k-images-idx3-ubyte.*{expected}.*delete it"
    ):
        load_mnist(root=tmp_path, train=False, download=False)


def test_uncompressed_files_count_only_where_their_sums_are_on_record(tmp_path):
    (tmp_path / "fashion-mnist").mkdir()
    (tmp_path / "fashion-mnist" / IMAGES.removesuffix(".gz")).write_bytes(b"unchecked")
    with pytest.raises(FileNotFoundError, match=f"{IMAGES} is missing"):
        load_fashion_mnist(root=tmp_path, download=False)
    with pytest.raises(
        FileNotFoundError, match=r"mnist \(or uncompressed, named without .gz\); or pass root="
    ):
        load_mnist(root=tmp_path, download=False)
