"""NumPy's less common call forms, read as NumPy reads them and differentiated: np.where with
the condition alone, a single array given to the stacking functions, np.r_ and np.c_ in
chainrule.numpy, np.interp (found missing by a peer's suite)."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

X = np.array([1.0, 2.0])


def test_where_with_the_condition_alone_gives_numpys_indices():
    condition = np.array([[True, False], [False, True]])
    for where in (cr.where, cnp.where, np.where):
        found = where(cr.tensor(condition))
        assert len(found) == 2
        for got, expected in zip(found, np.where(condition)):
            np.testing.assert_array_equal(got, expected)
    with pytest.raises(ValueError, match="give both x and y, or neither"):
        cr.where(condition, 1.0)


@pytest.mark.filterwarnings("ignore:`row_stack` alias is deprecated:DeprecationWarning")
@pytest.mark.parametrize("stack", ["vstack", "hstack", "dstack", "column_stack", "row_stack"])
def test_one_array_given_to_a_stacking_function_is_the_sequence_of_its_rows(stack):
    a = np.arange(6.0).reshape(2, 3)
    if not hasattr(np, stack):
        pytest.skip(f"this NumPy has no {stack}")
    np.testing.assert_array_equal(getattr(cr, stack)(cr.tensor(a)).numpy(), getattr(np, stack)(a))
    assert cr.gradcheck(lambda t: getattr(cr, stack)(t) ** 2, a)
    with pytest.raises(TypeError, match="0-d"):
        getattr(cr, stack)(cr.tensor(1.0))


def test_r_and_c_join_tensors_as_numpy_joins_arrays():
    def r(x):
        return cnp.r_[x, 1.0, x * x, 0:2]

    def c(x):
        return cnp.c_[x, x * x]

    for build, numpy_build in ((r, lambda x: np.r_[x, 1.0, x * x, 0:2]),
                               (c, lambda x: np.c_[x, x * x])):
        np.testing.assert_array_equal(build(cr.tensor(X)).numpy(), numpy_build(X))
        assert cr.gradcheck(lambda x, build=build: build(x) ** 2, X)
        np.testing.assert_allclose(cr.jacfwd(build)(X), cr.jacrev(build)(X))
    a = np.ones((2, 2))
    assert cnp.c_[cr.tensor(a), cr.tensor(a)].shape == np.c_[a, a].shape
    assert cnp.r_[0:1:5j].shape == (5,)  # no tensor: NumPy's own
    with pytest.raises(TypeError, match="directive strings"):
        cnp.r_["0,2", cr.tensor(X)]


def test_interp_is_numpys_value_and_differentiates_in_points_knots_and_values():
    xp, fp = np.array([0.0, 1.0, 3.0, 4.5]), np.array([0.0, 2.0, 3.0, -1.0])
    points = np.array([-0.5, 0.0, 0.2, 1.0, 2.5, 4.5, 5.0])
    np.testing.assert_array_equal(np.interp(cr.tensor(points), xp, fp).numpy(),
                                  np.interp(points, xp, fp))
    slopes = cr.grad(lambda x: cr.sum(np.interp(x, xp, fp)))(points)
    np.testing.assert_array_equal(slopes, [0.0, 2.0, 2.0, 0.5, 0.5, 0.0, 0.0])  # right piece
    assert cr.gradcheck(lambda x, xp, fp: cr.interp(x, xp, fp), np.array([0.2, 1.3, 2.5]), xp, fp)
    assert cr.jit(lambda x: cr.interp(x, xp, fp))(cr.tensor(points)).shape == points.shape
    with pytest.raises(NotImplementedError, match="period"):
        cr.interp(cr.tensor(points), xp, fp, period=5.0)
