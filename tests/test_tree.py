"""chainrule.tree (the transforms' notion of container, for users) and ravel_pytree: one flat
vector for a tree and back, differentiable both ways, leaves' dtypes and shapes kept."""

from collections import namedtuple

import numpy as np
import pytest

import chainrule as cr
from chainrule.flatten_util import ravel_pytree

Point = namedtuple("Point", "x y")


def params():
    return {"w": np.arange(6.0).reshape(2, 3), "b": [np.float32(0.5), Point(1.0, np.ones(2))]}


def test_flatten_gives_leaves_in_order_and_unflatten_rebuilds_every_container():
    leaves, treedef = cr.tree.flatten(params())
    assert len(leaves) == treedef.num_leaves == 4
    assert leaves[1] == np.float32(0.5) and leaves[2] == 1.0
    rebuilt = cr.tree.unflatten(treedef, leaves)
    assert type(rebuilt["b"][1]) is Point and list(rebuilt) == ["w", "b"]
    np.testing.assert_array_equal(rebuilt["w"], params()["w"])
    assert repr(treedef) == "TreeDef({'w': *, 'b': [*, (*, *)]})"


def test_tree_uses_the_transforms_notion_of_container():
    tree = {"a": (1.0, [2.0]), "b": 3.0}
    grads = cr.grad(lambda t: t["a"][0] * t["a"][1][0] * t["b"])(tree)
    assert cr.tree.flatten(grads)[1] == cr.tree.flatten(tree)[1]
    with pytest.raises(TypeError, match=r"tree\['a'\]\[1\] is a str"):
        cr.tree.flatten({"a": [1.0, "two"]})


def test_map_applies_a_function_leaf_by_leaf_over_trees_of_one_shape():
    doubled = cr.tree.map(lambda x: 2 * x, params())
    assert doubled["b"][1].x == 2.0
    summed = cr.tree.map(lambda x, y: x + y, {"a": 1.0, "b": 2.0}, {"a": 10.0, "b": 20.0})
    assert summed == {"a": 11.0, "b": 22.0}
    with pytest.raises(ValueError, match=r"tree 1 is TreeDef\(\(\*, \*\)\) and tree 0 is "):
        cr.tree.map(lambda x, y: x + y, [1.0, 2.0], (1.0, 2.0))


def test_leaves_and_unflatten_check_the_count():
    assert cr.tree.leaves([1.0, (2.0,), {}]) == [1.0, 2.0]
    _, treedef = cr.tree.flatten([1.0, 2.0])
    with pytest.raises(ValueError, match="holds 2 leaves, but 3 were given"):
        cr.tree.unflatten(treedef, [1.0, 2.0, 3.0])


def test_ravel_pytree_gives_one_vector_and_unravel_gives_each_leaf_its_dtype_and_shape():
    tree = {"w": np.ones((2, 2), np.float32), "n": np.int32(3), "b": [np.float64(0.5)]}
    flat, unravel = ravel_pytree(tree)
    assert flat.dtype == np.float64 and flat.shape == (6,)
    np.testing.assert_array_equal(flat, [1, 1, 1, 1, 3, 0.5])
    back = unravel(flat)
    assert back["w"].dtype == np.float32 and back["w"].shape == (2, 2)
    assert back["n"].dtype == np.int32 and np.shape(back["n"]) == ()
    assert back["b"][0].dtype == np.float64
    np.testing.assert_array_equal(unravel(2 * flat)["w"], 2 * np.ones((2, 2)))


def test_ravel_pytree_keeps_float32_when_every_leaf_is_float32():
    flat, unravel = ravel_pytree([np.ones(2, np.float32), np.zeros((), np.float32)])
    assert flat.dtype == np.float32
    assert ravel_pytree([np.int64(1), True])[0].dtype == np.float64


def test_ravel_pytree_of_an_empty_tree_is_an_empty_vector():
    flat, unravel = ravel_pytree({})
    assert flat.shape == (0,) and flat.dtype == np.float64
    assert unravel(flat) == {}


def test_unravel_refuses_a_vector_of_the_wrong_length():
    _, unravel = ravel_pytree(params())
    with pytest.raises(ValueError, match=r"a vector of length 10 \(the tree TreeDef"):
        unravel(np.zeros(9))


def test_gradients_flow_through_unravel_and_ravel_pytree():
    tree = cr.tree.map(np.float64, params())  # float64 leaves, for finite differences
    flat, unravel = ravel_pytree(tree)

    def loss(vector):
        tree = unravel(vector)
        return cr.sum(tree["w"] ** 2) + tree["b"][0] * cr.sum(tree["b"][1].y) * tree["b"][1].x

    gradient = cr.grad(loss)(flat)
    expected = np.concatenate([2 * np.arange(6.0), [2.0, 1.0, 0.5, 0.5]])
    np.testing.assert_allclose(gradient, expected)
    assert cr.gradcheck(loss, flat)
    tree_gradient = cr.grad(lambda t: loss(ravel_pytree(t)[0]))(tree)
    np.testing.assert_allclose(ravel_pytree(tree_gradient)[0], expected)


def test_ravel_pytree_of_tensors_gives_a_tensor_and_unravel_gives_tensors():
    tree = cr.tree.map(cr.tensor, {"a": np.ones(3), "b": 2.0})
    flat, unravel = ravel_pytree(tree)
    assert isinstance(flat, cr.Tensor)
    assert all(isinstance(leaf, cr.Tensor) for leaf in cr.tree.leaves(unravel(flat)))
    assert unravel(flat)["b"].shape == ()


def test_ravel_pytree_drives_scipy_minimize_with_jac_true():
    optimize = pytest.importorskip("scipy.optimize")
    target = {"w": np.array([[1.0, -2.0], [0.5, 3.0]]), "b": np.array([0.25, -1.0])}
    flat, unravel = ravel_pytree(cr.tree.map(np.zeros_like, target))

    def loss(vector):
        tree = unravel(vector)
        return sum(cr.sum((tree[k] - target[k]) ** 2) for k in tree)

    result = optimize.minimize(cr.value_and_grad(loss), flat, jac=True, method="L-BFGS-B")
    assert result.success
    np.testing.assert_allclose(ravel_pytree(unravel(result.x))[0],
                               ravel_pytree(target)[0], atol=1e-6)
