"""DataLoader and datasets: batching, shuffling per epoch, drop_last, lengths, errors."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.data import ArrayDataset, DataLoader, Dataset, Subset


def rows(n=10):
    return ArrayDataset(np.arange(2 * n, dtype=np.float32).reshape(n, 2), np.arange(n))


class Squares(Dataset):
    """A dataset that is not an ArrayDataset: batches are stacked example by example."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return cr.tensor([float(i), float(i)]), i * i


def labels_of(loader):
    return [y._data.tolist() for _, y in loader]


def test_batches_are_tuples_of_tensors_in_order_without_grad():
    batches = list(DataLoader(rows(5), batch_size=2))
    assert [len(batch) for batch in batches] == [2, 2, 2]
    x, y = batches[0]
    assert cr.is_tensor(x) and cr.is_tensor(y)
    assert not x.requires_grad and not y.requires_grad
    assert x.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_array_equal(x._data, [[0, 1], [2, 3]])
    assert [y._data.tolist() for _, y in batches] == [[0, 1], [2, 3], [4]]


def test_len_counts_batches_with_and_without_drop_last():
    assert len(DataLoader(rows(10), batch_size=3)) == 4
    assert len(DataLoader(rows(10), batch_size=3, drop_last=True)) == 3
    assert len(DataLoader(rows(9), batch_size=3, drop_last=True)) == 3
    assert len(DataLoader(rows(2), batch_size=5, drop_last=True)) == 0
    assert len(DataLoader(rows(10))) == 10


def test_drop_last_skips_only_the_short_final_batch():
    loader = DataLoader(rows(10), batch_size=4, drop_last=True, shuffle=True, seed=1)
    sizes = [len(y) for _, y in loader]
    assert sizes == [4, 4] == [4] * len(loader)


def test_each_epoch_visits_every_example_once():
    loader = DataLoader(rows(10), batch_size=3, shuffle=True, seed=0)
    for _ in range(3):
        seen = sum(labels_of(loader), [])
        assert sorted(seen) == list(range(10))


def test_seeded_shuffling_is_the_same_across_loaders_and_differs_between_epochs():
    first, second = (DataLoader(rows(20), batch_size=20, shuffle=True, seed=7) for _ in range(2))
    epochs = [labels_of(first) for _ in range(3)]
    assert epochs == [labels_of(second) for _ in range(3)]
    assert epochs[0] != epochs[1] != epochs[2]
    assert labels_of(DataLoader(rows(20), batch_size=20, shuffle=True, seed=8)) != epochs[0]


def test_epoch_counter_counts_passes_and_can_be_set_to_resume():
    loader = DataLoader(rows(20), batch_size=20, shuffle=True, seed=3)
    first = labels_of(loader)
    second = labels_of(loader)
    assert loader.epoch == 2
    loader.epoch = 1
    assert labels_of(loader) == second
    loader.epoch = 0
    assert labels_of(loader) == first


def test_generator_drives_the_shuffling_when_given():
    def run():
        loader = DataLoader(
            rows(20), batch_size=20, shuffle=True, generator=np.random.default_rng(5)
        )
        return [labels_of(loader) for _ in range(2)]

    epochs = run()
    assert epochs == run() and epochs[0] != epochs[1]


def test_unseeded_shuffling_still_visits_everything():
    loader = DataLoader(rows(10), batch_size=4, shuffle=True)
    assert sorted(sum(labels_of(loader), [])) == list(range(10))


def test_batches_are_copies_so_changing_them_leaves_the_data_alone():
    data = rows(4)
    for shuffle in (False, True):
        x, _ = next(iter(DataLoader(data, batch_size=2, shuffle=shuffle, seed=0)))
        x._data[...] = -1
    assert data.arrays[0].min() == 0


def test_non_array_datasets_are_stacked_field_by_field():
    loader = DataLoader(Squares(5), batch_size=2, shuffle=True, seed=0)
    batches = list(loader)
    assert len(batches) == 3
    for x, y in batches:
        assert x.shape == (len(y), 2) and x.dtype == np.float64
        np.testing.assert_array_equal(y._data, x._data[:, 0].astype(np.int64) ** 2)
    assert sorted(sum((y._data.tolist() for _, y in batches), [])) == [0, 1, 4, 9, 16]


def test_subsets_of_array_datasets_batch_their_own_rows():
    part = Subset(Subset(rows(10), [9, 8, 7, 6, 5]), [4, 0, -1])
    assert [y for _, y in [part[i] for i in range(3)]] == [5, 9, 5]
    ((_, y),) = list(DataLoader(part, batch_size=3))
    assert y._data.tolist() == [5, 9, 5]


def test_single_examples_without_a_tuple_become_one_field_batches():
    class Numbers(Dataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return float(i)

    assert [batch[0]._data.tolist() for batch in DataLoader(Numbers(), batch_size=2)] == [
        [0.0, 1.0],
        [2.0],
    ]


def test_empty_dataset_gives_no_batches():
    loader = DataLoader(ArrayDataset(np.zeros((0, 3))), batch_size=4, shuffle=True, seed=0)
    assert len(loader) == 0 and list(loader) == []


def test_array_dataset_items_are_tuples_of_rows():
    data = ArrayDataset([[1.0, 2.0], [3.0, 4.0]], cr.tensor([5, 6]))
    x, y = data[1]
    np.testing.assert_array_equal(x, [3.0, 4.0])
    assert y == 6 and len(data) == 2
    assert repr(data) == "ArrayDataset(float64[2, 2], int64[2])"


def test_array_dataset_rejects_different_lengths_by_shape():
    with pytest.raises(ValueError, match=r"same first dimension.*\(3, 2\), \(4,\)"):
        ArrayDataset(np.zeros((3, 2)), np.zeros(4))


def test_array_dataset_rejects_no_arrays_scalars_and_text():
    with pytest.raises(ValueError, match="at least one array"):
        ArrayDataset()
    with pytest.raises(ValueError, match="array 1 is 0-d"):
        ArrayDataset(np.zeros(3), 5.0)
    with pytest.raises(TypeError, match="array 0 has dtype <U1"):
        ArrayDataset(np.array(["a", "b"]))


def test_loader_rejects_bad_batch_size_and_seed_with_generator():
    for bad in (0, -1, 2.5, "8"):
        with pytest.raises(ValueError, match=f"batch_size must be a positive int, got {bad!r}"):
            DataLoader(rows(), batch_size=bad)
    with pytest.raises(ValueError, match="a seed or a generator, not both"):
        DataLoader(rows(), seed=1, generator=np.random.default_rng())
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        DataLoader(rows(), seed=-1)


def test_loader_names_the_field_whose_shapes_differ():
    class Ragged(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return np.zeros(i + 1), i

    with pytest.raises(ValueError, match="field 0 of the examples cannot be stacked"):
        list(DataLoader(Ragged(), batch_size=2))


def test_subset_rejects_indices_outside_the_dataset():
    with pytest.raises(IndexError, match=r"indices must lie in \[0, 10\)"):
        Subset(rows(10), [3, 10])


def test_dataset_base_class_asks_subclasses_for_len_and_getitem():
    with pytest.raises(NotImplementedError, match="must define __len__"):
        len(Dataset())


def test_array_datasets_are_batched_without_fetching_examples_one_by_one():
    class NoItems(ArrayDataset):
        def __getitem__(self, index):
            raise AssertionError("the loader fetched an example by itself")

    loader = DataLoader(NoItems(np.arange(10)), batch_size=4, shuffle=True, seed=0)
    assert sorted(sum(labels_of_single(loader), [])) == list(range(10))


def labels_of_single(loader):
    return [y._data.tolist() for (y,) in loader]
