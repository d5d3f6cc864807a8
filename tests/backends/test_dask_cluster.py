"""A few training steps whose data are Dask arrays, computed on a dask.distributed LocalCluster
of two worker processes: the losses equal NumPy's. Skipped without the distributed package."""

import numpy as np
import pytest

import chainrule as cr


def _steps(x, y, w, compute, place, steps=3, lr=0.1):
    """Gradient descent on the mean squared error of x @ w against y; the losses per step.
    ``compute`` evaluates the lazy loss and gradient; ``place`` puts the parameters beside the
    data (a Dask array of one chunk on the cluster)."""
    losses = []
    for _ in range(steps):
        loss, grad = cr.value_and_grad(lambda w: ((cr.matmul(x, w) - y) ** 2).mean())(place(w))
        loss, grad = compute(loss, grad)
        w = w - lr * grad
        losses.append(float(loss))
    return losses, w


@pytest.mark.timeout(180)
def test_training_on_a_local_cluster_equals_numpy():
    distributed = pytest.importorskip("distributed")
    da = pytest.importorskip("dask.array")
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(400, 5)), rng.normal(size=(400,))
    expected, expected_w = _steps(x, y, np.zeros(5), lambda *values: values, lambda w: w)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            lazy_x, lazy_y = da.from_array(x, chunks=100), da.from_array(y, chunks=100)
            losses, w = _steps(lazy_x, lazy_y, np.zeros(5),
                               lambda *values: client.compute(values, sync=True),
                               lambda w: da.from_array(w, chunks=-1))
            assert len(client.scheduler_info()["workers"]) == 2
    np.testing.assert_allclose(losses, expected, rtol=1e-12)
    np.testing.assert_allclose(w, expected_w, rtol=1e-12)
