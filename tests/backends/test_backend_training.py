"""Training, checkpoints and transforms on array-api-strict and Dask equal NumPy's; arrays of
two backends in one op, conversions to NumPy and ops a backend lacks raise clear errors."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from tests.backends.backend_arrays import BACKENDS, host, namespace


def _train(xp, optimizer, steps=3):
    """An MLP's losses and final state after a few steps, on NumPy (xp None) or xp's arrays."""
    cr.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    if xp is not None:
        model.to_namespace(xp)
    if optimizer == "sgd":
        opt = cr.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    else:
        opt = cr.optim.Adam(model.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 3)).astype(np.float32), rng.normal(size=(8, 1)).astype(np.float32)
    if xp is not None:
        x, y = cr.backends.from_numpy(x, xp), cr.backends.from_numpy(y, xp)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((model(cr.tensor(x)) - cr.tensor(y)) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(float(cr.to_numpy(loss)))
    return model, opt, losses


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_mlp_training_on_backend_equals_numpy(backend, optimizer):
    xp = namespace(backend)
    expected_model, _, expected = _train(None, optimizer)
    model, _, losses = _train(xp, optimizer)
    assert cr.backend_of(model[0].weight) == backend
    np.testing.assert_allclose(losses, expected, rtol=1e-5)
    for name, value in expected_model.state_dict().items():
        np.testing.assert_allclose(model.state_dict()[name], value, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("backend", BACKENDS)
def test_checkpoint_of_backend_model_is_numpy_and_loads_anywhere(backend, tmp_path):
    xp = namespace(backend)
    model, opt, _ = _train(xp, "adam", steps=2)
    path = tmp_path / "model.npz"
    cr.checkpoint.save(path, model=model, optimizer=opt)
    assert all(isinstance(v, np.ndarray) for v in model.state_dict().values())
    on_numpy = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    cr.checkpoint.load(path, model=on_numpy)
    on_backend = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)).to_namespace(xp)
    fresh_opt = cr.optim.Adam(on_backend.parameters(), lr=0.01)
    cr.checkpoint.load(path, model=on_backend, optimizer=fresh_opt)
    assert cr.backend_of(on_backend[0].weight) == backend
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(on_numpy.state_dict()[name], value)
        np.testing.assert_array_equal(on_backend.state_dict()[name], value)


@pytest.mark.parametrize("backend", BACKENDS)
def test_transforms_return_the_backends_arrays(backend):
    xp = namespace(backend)
    point = cr.backends.from_numpy(np.array([0.5, 1.0]), xp)

    def f(x):
        return (cr.sin(x) ** 2).sum()

    gradient = cr.grad(f)(point)
    hessian = cr.hessian(f)(point)
    jacobian = cr.jacfwd(lambda x: cr.sin(x) ** 2)(point)
    assert cr.backend_of(gradient) == cr.backend_of(hessian) == backend
    np.testing.assert_allclose(host(gradient), cr.grad(f)(np.array([0.5, 1.0])))
    np.testing.assert_allclose(host(hessian), cr.hessian(f)(np.array([0.5, 1.0])))
    np.testing.assert_allclose(host(jacobian), np.diag(np.sin(2 * np.array([0.5, 1.0]))))


def test_dask_gradient_stays_lazy_until_computed():
    da = namespace("dask")
    x = da.from_array(np.linspace(-1.0, 1.0, 12), chunks=4)
    gradient = cr.grad(lambda w: (cr.tanh(w) ** 2).sum())(x)
    assert isinstance(gradient, da.Array) and gradient.numblocks == (3,)
    expected = 2 * np.tanh(np.linspace(-1.0, 1.0, 12)) / np.cosh(np.linspace(-1.0, 1.0, 12)) ** 2
    np.testing.assert_allclose(gradient.compute(), expected)


@pytest.mark.parametrize("reduce", [cr.mean, cr.sum])
def test_a_reductions_sweep_over_a_dask_array_is_built_in_its_chunks(reduce):
    # Dask broadcasts a size-1 axis into one chunk as long as the axis; a sweep built that way
    # waits on one task for every chunk, and a gradient over 10⁸ rows held ~13 chunks of the data
    # at once instead of ~3 (bench/dask_gradient.py). Every array of the sweep keeps x's chunks.
    da = namespace("dask")
    rows = np.random.default_rng(0).normal(size=(40, 3))
    x = da.from_array(rows, chunks=(10, 3))
    w0 = np.array([0.5, -1.0, 2.0])
    gradient = cr.grad(lambda w: reduce((cr.matmul(x, w) - 1.0) ** 2))(da.from_array(w0))
    layers = gradient.dask.layers
    assert not [name for name in layers if name.startswith(("rechunk", "broadcast_to"))]
    scale = 1 / 40 if reduce is cr.mean else 1.0
    np.testing.assert_allclose(gradient.compute(), scale * 2 * (rows @ w0 - 1.0) @ rows)


@pytest.mark.parametrize("backend", BACKENDS)
def test_mixing_backends_in_one_op_names_both(backend):
    xp = namespace(backend)
    theirs = cr.tensor(cr.backends.from_numpy(np.ones(3), xp), requires_grad=True)
    with pytest.raises(cr.MixedBackendsError, match=f"chainrule.add got arrays of two backends, "
                       f"{backend} and numpy"):
        theirs + cr.tensor(np.ones(3))
    with pytest.raises(cr.MixedBackendsError, match="two backends"):
        cr.matmul(cr.tensor(np.ones((2, 3))), theirs)


def test_mixing_dask_and_array_api_strict_names_both():
    da, strict = namespace("dask"), namespace("array_api_strict")
    with pytest.raises(cr.MixedBackendsError, match="dask and array_api_strict|"
                                                    "array_api_strict and dask"):
        cr.tensor(da.ones(3)) * cr.tensor(strict.ones(3))


def test_model_and_data_of_two_backends_say_how_to_move_the_model():
    xp = namespace("array_api_strict")
    model = nn.Linear(3, 1)
    with pytest.raises(cr.MixedBackendsError, match=r"to_namespace"):
        model(cr.tensor(xp.ones((2, 3), dtype=xp.float32)))


@pytest.mark.parametrize("backend", BACKENDS)
def test_op_the_backend_lacks_names_op_and_backend(backend):
    xp = namespace(backend)
    pytest.importorskip("scipy")
    import chainrule.scipy.special as special

    x = cr.tensor(cr.backends.from_numpy(np.array([1.0, 2.0]), xp), requires_grad=True)
    if backend == "array_api_strict":
        with pytest.raises(cr.BackendError, match="chainrule.gammaln is not available for "
                                                  "array_api_strict arrays"):
            special.gammaln(x)
    else:
        with pytest.raises(cr.BackendError, match="chainrule.eig is not available for dask"):
            cr.linalg.eig(x * x[:, None])


def test_a_lazy_mask_index_says_how_to_keep_the_shape():
    # Dask picks by a mask of its own values with a length it knows only once computed (nan):
    # one clear error at the pick, and both ways out give NumPy's gradient.
    da = pytest.importorskip("dask.array")
    x = np.linspace(0.0, 1.0, 6)
    data, mask = da.from_array(x, chunks=3), da.from_array(x > 0.5, chunks=3)
    with pytest.raises(cr.BackendError, match=r"chainrule.getitem is not available for dask "
                                              r"arrays: .*compute the mask first.*where"):
        cr.grad(lambda t: cr.sum(t[mask] ** 2))(data)
    expected = np.where(x > 0.5, 2 * x, 0.0)
    by_where = cr.grad(lambda t: cr.sum(cr.where(mask, t, 0) ** 2))(data)
    by_computed_mask = cr.grad(lambda t: cr.sum(t[mask.compute()] ** 2))(data)
    np.testing.assert_allclose(host(by_where), expected, rtol=1e-15)
    np.testing.assert_allclose(host(by_computed_mask), expected, rtol=1e-15)


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_silent_copy_to_numpy(backend):
    xp = namespace(backend)
    t = cr.tensor(cr.backends.from_numpy(np.array([1.0, 2.0]), xp))
    with pytest.raises(TypeError, match="to_numpy"):
        t.numpy()
    with pytest.raises(cr.BackendError, match="to_numpy"):
        np.asarray(t)
    np.testing.assert_array_equal(cr.to_numpy(t), [1.0, 2.0])
    assert type(t.array).__module__.split(".")[0] == backend


def _cupy_with_a_gpu():
    cupy = pytest.importorskip("cupy")
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            pytest.skip("CuPy is installed but there is no GPU")
    except cupy.cuda.runtime.CUDARuntimeError:
        pytest.skip("CuPy is installed but there is no GPU")
    return cupy


def test_cupy_gradient_and_training_step_equal_numpy():
    cupy = _cupy_with_a_gpu()
    x = cupy.asarray([0.5, 1.0])
    gradient = cr.grad(lambda w: (cr.sin(w) ** 2).sum())(x)
    assert isinstance(gradient, cupy.ndarray)
    np.testing.assert_allclose(cupy.asnumpy(gradient), np.sin(2 * np.array([0.5, 1.0])))
    expected_model, _, expected = _train(None, "adam")
    model, _, losses = _train(cupy, "adam")
    np.testing.assert_allclose(losses, expected, rtol=1e-5)
