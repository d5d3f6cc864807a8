"""The op table on array-api-strict and Dask arrays: one case per op (the first real one; its
constant arrays, a mask or labels, moved to the backend as well), whose value, VJP, JVP and
second-order product computed on the backend's arrays equal NumPy's to rounding, with any hidden
conversion to NumPy refused meanwhile; an op the backend lacks raises one BackendError naming
it."""

import pytest

import chainrule as cr
import tests.backends.backend_arrays as backend_arrays
from tests.backends.backend_arrays import BACKENDS, namespace
from tests.backends.op_products import assert_close, is_real_case, products
from tests.backends.unsupported import DASK_ONE_CHUNK, UNSUPPORTED
from tests.ops.optable import all_cases


def _one_case_per_op():
    chosen = {}
    for case in all_cases():
        if case.name not in chosen and is_real_case(case):
            chosen[case.name] = case
    return list(chosen.values())


CASES = _one_case_per_op()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_op_products_on_backend_equal_numpy(case, backend, monkeypatch):
    namespace(backend)
    if backend == "dask" and case.name in DASK_ONE_CHUNK:
        monkeypatch.setattr(backend_arrays, "ONE_CHUNK", True)
    if case.name in UNSUPPORTED[backend]:
        with pytest.raises(cr.BackendError, match=f"for {backend} arrays|two backends"):
            products(case, backend)
        return
    expected = products(case)
    found = products(case, backend)
    for k, what in enumerate(("value", "vjp", "jvp", "second order")):
        assert_close(found[k], expected[k], what)


def test_unsupported_lists_name_only_ops_of_the_table():
    names = {case.name for case in CASES}
    for backend, unsupported in UNSUPPORTED.items():
        assert unsupported <= names, (backend, sorted(unsupported - names))
    assert DASK_ONE_CHUNK <= names
