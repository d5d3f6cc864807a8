"""random_split and train_test_split: sizes, disjoint parts, reproducibility, stratification."""

import numpy as np
import pytest

from chainrule.data import ArrayDataset, DataLoader, random_split, train_test_split


def indices_of(subset):
    return set(subset.indices.tolist())


def test_random_split_with_counts_gives_disjoint_parts_covering_the_dataset():
    parts = random_split(ArrayDataset(np.arange(10)), [5, 3, 2], seed=1)
    assert [len(part) for part in parts] == [5, 3, 2]
    covered = set().union(*map(indices_of, parts))
    assert covered == set(range(10)) and sum(map(len, map(indices_of, parts))) == 10


def test_random_split_with_fractions_gives_leftovers_to_the_largest_remainders():
    sizes = [len(part) for part in random_split(ArrayDataset(np.arange(11)), [0.5, 0.3, 0.2])]
    assert sizes == [6, 3, 2]
    assert [len(p) for p in random_split(ArrayDataset(np.arange(10)), [1 / 3] * 3)] == [4, 3, 3]


def test_random_split_is_reproducible_by_seed():
    data = ArrayDataset(np.arange(50))
    first = [part.indices.tolist() for part in random_split(data, [40, 10], seed=3)]
    again = [part.indices.tolist() for part in random_split(data, [40, 10], seed=3)]
    other = [part.indices.tolist() for part in random_split(data, [40, 10], seed=4)]
    assert first == again != other


def test_random_split_parts_batch_through_the_data_loader():
    train, _ = random_split(ArrayDataset(np.arange(10) * 10), [0.7, 0.3], seed=0)
    labels = sum(([*y._data.tolist()] for (y,) in DataLoader(train, batch_size=3)), [])
    assert labels == (train.indices * 10).tolist()


def test_random_split_rejects_sizes_that_do_not_add_up():
    data = ArrayDataset(np.arange(10))
    with pytest.raises(ValueError, match=r"adding up to the dataset's size \(10\)"):
        random_split(data, [5, 4])
    with pytest.raises(ValueError, match="fractions must be >= 0 and add up to 1"):
        random_split(data, [0.5, 0.4])
    with pytest.raises(ValueError, match="non-negative ints"):
        random_split(data, [11, -1])


def test_train_test_split_sizes_disjointness_and_row_alignment():
    x = np.arange(200).reshape(100, 2)
    y = np.arange(100)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, seed=0)
    assert x_train.shape == (75, 2) and x_test.shape == (25, 2)
    assert set(y_train) | set(y_test) == set(range(100)) and not set(y_train) & set(y_test)
    np.testing.assert_array_equal(x_train[:, 0], 2 * y_train)
    np.testing.assert_array_equal(x_test[:, 0], 2 * y_test)


def test_train_test_split_rounds_the_test_fraction_up_and_takes_counts():
    assert len(train_test_split(np.arange(10), test_size=0.21)[1]) == 3
    assert len(train_test_split(np.arange(10), test_size=4)[1]) == 4


def test_train_test_split_is_reproducible_by_seed():
    x = np.arange(30)
    assert all(np.array_equal(a, b) for a, b in zip(train_test_split(x), train_test_split(x)))
    assert not np.array_equal(train_test_split(x, seed=1)[1], train_test_split(x, seed=2)[1])


def test_train_test_split_without_shuffle_tests_on_the_last_rows():
    train, test = train_test_split(np.arange(10), test_size=3, shuffle=False)
    assert train.tolist() == list(range(7)) and test.tolist() == [7, 8, 9]


def test_stratified_split_keeps_class_proportions():
    labels = np.repeat([0, 1, 2], [60, 30, 10])
    _, test_labels = train_test_split(labels, test_size=0.2, stratify=labels, seed=0)
    assert np.bincount(test_labels).tolist() == [12, 6, 2]


def test_stratified_split_rounds_to_the_exact_test_size():
    labels = np.repeat([0, 1, 2], [5, 5, 5])
    train, test = train_test_split(labels, test_size=4, stratify=labels, seed=0)
    assert len(test) == 4 and len(train) == 11
    assert sorted(np.bincount(test, minlength=3).tolist()) == [1, 1, 2]


def test_train_test_split_rejects_bad_input_by_name():
    with pytest.raises(ValueError, match="at least one array"):
        train_test_split()
    with pytest.raises(ValueError, match=r"same first dimension: \(3,\), \(4,\)"):
        train_test_split(np.zeros(3), np.zeros(4))
    for bad in (0.0, 1.0, 0, 10, "half"):
        with pytest.raises(ValueError, match="must leave both parts non-empty"):
            train_test_split(np.zeros(10), test_size=bad)
    with pytest.raises(ValueError, match="stratify needs one label per row"):
        train_test_split(np.zeros(10), stratify=np.zeros(9))
    with pytest.raises(ValueError, match="stratify needs shuffle=True"):
        train_test_split(np.zeros(10), shuffle=False, stratify=np.zeros(10))
