"""cross_entropy and nll_loss with class labels on array-api-strict and Dask: every label case
of the op table (a batch, spatial labels, one sample) equals NumPy's in value, VJP, JVP and
second order with the labels on the backend; a label out of range is an error where it can be
checked without computing a lazy array, and NaN (never a silent number) on Dask."""

import numpy as np
import pytest

from chainrule.nn import functional as F
from tests.backends.backend_arrays import BACKENDS, host, namespace, to_backend
from tests.backends.op_products import assert_close, is_real_case, products
from tests.ops.optable import all_cases

LABEL_CASES = [case for case in all_cases()
               if case.name in ("cross_entropy", "nll_loss") and is_real_case(case)]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", LABEL_CASES, ids=[case.id for case in LABEL_CASES])
def test_label_losses_on_backend_equal_numpy(case, backend):
    namespace(backend)
    expected = products(case)
    found = products(case, backend)
    for k, what in enumerate(("value", "vjp", "jvp", "second order")):
        assert_close(found[k], expected[k], what)


def test_a_label_out_of_range_is_an_error_on_array_api_strict():
    namespace("array_api_strict")
    logits = to_backend(np.zeros((2, 3)), "array_api_strict")
    with pytest.raises(ValueError, match="label 3, out of range for 3 classes"):
        F.cross_entropy(logits, to_backend(np.array([0, 3]), "array_api_strict"))


@pytest.mark.parametrize("loss", [F.cross_entropy, lambda x, t: F.nll_loss(x, t)])
def test_a_label_out_of_range_gives_nan_on_dask(loss):
    namespace("dask")
    logits = to_backend(np.zeros((2, 3)), "dask")
    value = loss(logits, to_backend(np.array([0, 3]), "dask"), )
    assert np.isnan(host(value))
