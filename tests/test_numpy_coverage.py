"""Every public callable of np, np.linalg and np.fft is differentiable (and gradchecked),
value-only (NumPy's value) or refused (a TypeError naming it); docs/numpy-coverage.md says so.

The behaviour checks call each function generically: on a 2x3 float array (or an integer one
where NumPy refuses floats), alone, twice, or with the integer 1 — the first of these that NumPy
itself accepts on plain arrays — and then on tensors in place of the arrays.
"""

import contextlib
import io
import re
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule import numpy_coverage as coverage
from tests import numpy_coverage_report as report

FLOATS = np.array([[0.5, -1.5, 2.0], [3.25, 0.0, -0.75]])
INTEGERS = np.array([[1, 6, 2], [3, 0, 5]])
CALLABLES = [(public, func, coverage.dispatch_name(func)) for public, func in
             coverage.public_callables()]
# Not called generically: side effects on the process (settings, files, printing), or a class
# that is no conversion of its argument.
NOT_CALLED_KINDS = ("printing, saving, reading and settings",)
# Functions that NumPy does not dispatch and that fail on a tensor before anything escapes:
# isfortran reads .flags; mintypecode and bmat take type codes or nested lists (bmat returns
# None for anything else); from_dlpack needs __dlpack__, frombuffer a buffer.
FAIL_UNDISPATCHED = {"isfortran", "mintypecode", "bmat", "from_dlpack", "frombuffer"}
# Where chainrule's op gives another value than NumPy's in a generic call (a documented other
# default): expected failures, so that the difference stays in sight.
KNOWN_DIFFERENCES = {
}
# Deprecated names that NumPy runs as another function, which is the one dispatched.
DELEGATES = {"row_stack": "vstack"}
# Values NumPy leaves undefined: only the shape and dtype are compared.
UNDEFINED_VALUES = {"empty_like", "empty"}


def by_class(kind):
    return [(public, func, name) for public, func, name in CALLABLES
            if coverage.classify(name, func)[0] == kind]


def generic_call(func):
    """``(pattern, base, numpy's result)`` of the first generic call NumPy accepts, or None.
    In a pattern, None stands for a fresh copy of ``base`` (some functions write into it)."""
    for base in (FLOATS, INTEGERS):
        for pattern in ((None,), (None, None), (None, 1)):
            try:
                with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                    warnings.simplefilter("ignore")
                    return pattern, base, func(*[base.copy() if a is None else a for a in pattern])
            except Exception:  # noqa: BLE001 -- any failure: try the next arguments
                continue
    return None


def on_tensors(pattern, base, requires_grad):
    requires_grad = requires_grad and base.dtype.kind == "f"
    return tuple(cr.tensor(base.copy(), requires_grad=requires_grad) if a is None else a
                 for a in pattern)


def callable_generically(kind):
    found = []
    for public, func, name in by_class(kind):
        if isinstance(func, type) and not issubclass(func, np.generic):
            continue
        if coverage.classify(name, func)[1] in NOT_CALLED_KINDS or public in FAIL_UNDISPATCHED:
            continue
        call = generic_call(func)
        if call is not None:
            marks = [pytest.mark.xfail(reason=KNOWN_DIFFERENCES[name])] \
                if name in KNOWN_DIFFERENCES else []
            found.append(pytest.param(func, name, call, id=public, marks=marks))
    return found


def same_value(got, expected):
    if isinstance(got, cr.Tensor):
        got = got.detach().numpy()
    if isinstance(expected, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(expected)
        for g, e in zip(got, expected):
            same_value(g, e)
    elif isinstance(expected, (np.ndarray, np.generic)):
        got = np.asarray(got)
        assert got.dtype == np.asarray(expected).dtype
        np.testing.assert_array_equal(got, expected)
    else:
        assert type(got) is type(expected) and repr(got) == repr(expected)


def test_every_public_callable_is_classified():
    _, unclassified = report.table()
    assert unclassified == [], f"classify these in chainrule/numpy_coverage.py: {unclassified}"


def test_no_function_is_declared_twice():
    value_only = [n for names in coverage.VALUE_ONLY_KINDS.values() for n in names]
    refused = [n for names in coverage.REFUSED_REASONS.values() for n in names]
    assert len(set(value_only)) == len(value_only) and len(set(refused)) == len(refused)
    assert set(value_only) & set(refused) == set()


def test_every_alias_names_a_chainrule_op():
    assert all(coverage.resolve(numpy_name) is not None for numpy_name in coverage.ALIASES)


def test_every_differentiable_function_is_gradchecked_in_the_op_table():
    unchecked = sorted(name for _, func, name in by_class(coverage.DIFFERENTIABLE)
                       if not report.gradchecked(coverage.resolve(name)))
    assert unchecked == [], f"differentiable, but no op-table case is named after: {unchecked}"


@pytest.mark.parametrize("func, name, call", callable_generically(coverage.DIFFERENTIABLE))
def test_differentiable_functions_give_a_tensor_that_requires_grad_with_numpys_value(
        func, name, call):
    args, base, expected = call
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            got = func(*on_tensors(args, base, requires_grad=True))
        except (TypeError, ValueError) as error:
            # A loud refusal of an argument form NumPy also accepts (np.clip without bounds,
            # np.where(condition) alone) is no silent error; it names the op.
            shown = DELEGATES.get(name, name).rpartition(".")[2]
            assert shown in str(error) or "numpy" in str(error), error
            return
    outputs = got if isinstance(got, (tuple, list)) else (got,)
    # Indices (np.where with the condition alone) are NumPy's integer arrays.
    indices = all(np.asarray(getattr(out, "_data", out)).dtype.kind in "iu" for out in outputs)
    if base.dtype.kind == "f" and not indices:
        assert all(isinstance(out, cr.Tensor) for out in outputs)
        assert any(out.requires_grad for out in outputs)
    expected = expected if isinstance(got, (tuple, list)) else (expected,)
    for out, value in zip(outputs, expected):
        out = out.detach().numpy() if isinstance(out, cr.Tensor) else out
        np.testing.assert_allclose(out, value, rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize("func, name, call", callable_generically(coverage.VALUE_ONLY))
def test_value_only_functions_give_numpys_value_on_a_tensor_that_requires_grad(
        func, name, call):
    args, base, expected = call
    if name in coverage.VALUE_ARGUMENTS and len(args) > 1:
        pytest.skip("a tensor that requires grad as its fill value or weights is refused")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = func(*on_tensors(args, base, requires_grad=True))
    if name in UNDEFINED_VALUES:
        got, expected = np.zeros_like(np.asarray(got)), np.zeros_like(expected)
    same_value(got, expected)
    assert not (isinstance(got, cr.Tensor) and got.requires_grad)


@pytest.mark.parametrize("func, name, call", callable_generically(coverage.REFUSED))
def test_refused_functions_raise_naming_themselves_on_a_tensor_that_requires_grad(
        func, name, call):
    args, base, _ = call
    if base.dtype.kind != "f":
        pytest.skip("integer tensors never require grad: NumPy's value is all they have")
    dispatched = isinstance(func, np.ufunc) or hasattr(func, "_implementation") \
        or name in DELEGATES
    # An undispatched conversion (np.asarray, np.float64) meets Tensor.__array__'s refusal.
    shown = DELEGATES.get(name, name)
    message = re.escape(f"numpy.{shown} is not differentiable") if dispatched else "NumPy array"
    with pytest.raises(TypeError, match=message), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # row_stack is deprecated
        func(*on_tensors(args, base, requires_grad=True))


def test_every_class_has_functions_checked_by_a_call():
    counts = {kind: len(callable_generically(kind)) for kind in report.CLASSES}
    assert min(counts.values()) >= 20, counts


def a_function_refused_for_want_of_an_op():
    """(func, name, call) of a dispatched function still refused for want of an op."""
    for param in callable_generically(coverage.REFUSED):
        func, name, (pattern, base, _) = param.values
        dispatched = isinstance(func, np.ufunc) or hasattr(func, "_implementation")
        if dispatched and base is FLOATS and "no op" in coverage.classify(name, func)[1]:
            return func, name, pattern
    pytest.skip("every dispatched function has an op")


def test_refusal_names_the_function_its_reason_and_the_fix():
    func, name, pattern = a_function_refused_for_want_of_an_op()
    with pytest.raises(TypeError) as raised:
        func(*on_tensors(pattern, FLOATS, requires_grad=True))
    message = str(raised.value)
    assert message.startswith(f"numpy.{name} is not differentiable in chainrule (differentiable "
                              "in principle, but chainrule has no op for it yet)")
    assert "compose it from chainrule ops" in message and "x.detach()" in message
    x = cr.tensor([3.0, 1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"numpy\.copyto .*writes into a NumPy array.*cr\.where"):
        np.copyto(np.zeros(3), x)
    with pytest.raises(TypeError, match=r"numpy\.piecewise .*Python function.*on the tensor"):
        np.piecewise(x, [x.detach().numpy() > 1.5], [np.sin, np.cos])


def test_refused_functions_run_on_the_values_of_a_tensor_that_requires_no_grad():
    func, _, pattern = a_function_refused_for_want_of_an_op()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = func(*on_tensors(pattern, FLOATS, requires_grad=False))
        expected = func(*[FLOATS.copy() if a is None else a for a in pattern])
    same_value(got, expected)


def test_a_fill_value_or_weights_that_require_grad_are_refused():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    np.testing.assert_array_equal(np.full_like(x, 7.0), [7.0, 7.0])  # x gives only a shape
    with pytest.raises(TypeError, match=r"numpy\.full_like .*reach its result"):
        np.full_like(cr.tensor([0.0, 0.0]), x)
    # Given an array, NumPy dispatches on it alone, and fills through copyto: refused there.
    with pytest.raises(TypeError, match=r"numpy\.copyto |NumPy array"):
        np.full_like(np.zeros(2), x)
    with pytest.raises(TypeError, match=r"numpy\.bincount "):
        np.bincount(cr.tensor([0, 1, 1]), weights=cr.tensor([0.5, 1.0, 2.0], requires_grad=True))
    np.testing.assert_array_equal(np.bincount(cr.tensor([0, 1, 1])), [1, 2])
    with pytest.raises(TypeError, match=r"numpy\.copyto |NumPy array"):  # as full_like
        np.full(2, cr.tensor(1.5, requires_grad=True))


def test_ufunc_methods_are_refused_with_their_name_unless_they_are_chainrule_ops():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"numpy\.subtract\.reduce .*cr\.sum"):
        np.subtract.reduce(x)
    with pytest.raises(TypeError, match=r"numpy\.add\.at "):
        np.add.at(x, [0], 1.0)
    assert cr.grad(lambda x: np.add.reduce(x * x))(np.array([1.0, 2.0])).tolist() == [2.0, 4.0]
    assert cr.grad(lambda x: np.sum(np.multiply.accumulate(x)))(np.array([2.0, 3.0])).tolist() \
        == [4.0, 2.0]
    outer = cr.jacrev(lambda x: np.multiply.outer(x, x))(np.array([1.0, 2.0]))
    assert outer.shape == (2, 2, 2)
    assert np.logical_and.reduce(cr.tensor([True, False])).item() is False


@pytest.mark.parametrize("numpy_function, op", [
    (np.rint, cr.round), (np.around, cr.round), (np.round, cr.round), (np.fix, cr.trunc),
    (np.floor, cr.floor),
])
def test_rounding_is_chainrules_rounding_with_no_derivative(numpy_function, op):
    x = cr.tensor([0.5, 1.5, -2.7, 3.2], requires_grad=True)
    rounded = numpy_function(x)
    np.testing.assert_array_equal(rounded.numpy(), numpy_function(x.detach().numpy()))
    assert not rounded.requires_grad
    (rounded * x).sum().backward()  # the rounded factor is a constant: d/dx = rounded
    np.testing.assert_array_equal(x.grad.numpy(), op(x.detach()).numpy())


def test_sign_is_differentiable_with_a_zero_derivative():
    x = cr.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    np.sum(np.sign(x) * x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.sign([-2.0, 0.0, 3.0]))


def test_the_page_is_what_the_report_writes():
    with open(report.PAGE, encoding="utf-8") as file:
        page = file.read()
    written_for = re.search(r"in NumPy ([\w.]+):", page).group(1)
    if written_for != np.__version__:
        pytest.skip(f"the page is for NumPy {written_for}, this is {np.__version__}")
    assert page == report.render(), "stale: run `python -m tests.numpy_coverage_report`"


def test_under_jit_a_value_only_function_that_reads_values_is_refused():
    with pytest.raises(cr.TraceError, match="numpy.argsort of a traced value"):
        cr.jit(lambda x: x[np.argsort(x)])(np.array([2.0, 1.0]))
    with pytest.raises(cr.TraceError, match="numpy.signbit of a traced value"):
        cr.jit(lambda x: x * np.signbit(x))(np.array([2.0, -1.0]))


def test_under_jit_shapes_and_constants_of_a_traced_value_are_allowed():
    jitted = cr.jit(lambda x: x * np.shape(x)[0] + np.ones_like(x))
    np.testing.assert_array_equal(jitted(np.array([2.0, -1.0])), [5.0, -1.0])
    np.testing.assert_array_equal(jitted(np.array([1.0, 3.0])), [3.0, 7.0])


@pytest.mark.parametrize("convert", [np.float64, lambda t: np.fromiter(t, float)],
                         ids=["float64", "fromiter"])
def test_a_scalar_conversion_is_refused_inside_transforms_and_reads_the_value_outside(convert):
    # Through float(): the same policy as float(x) (docs/numpy.md): inside grad it would drop
    # the derivative; outside it reads a value, as loss.item() does.
    def f(x):
        return cr.sum(convert(x if convert is np.float64 else cr.stack([x, x])) * x)

    # NumPy's fromiter replaces float()'s TypeError by its own ValueError (an error all the
    # same, never a value).
    with pytest.raises((TypeError, ValueError)) as caught:
        cr.grad(f)(1.5)
    if convert is np.float64:
        assert "drop its derivative" in str(caught.value)
    assert np.all(np.asarray(convert(cr.tensor(1.5, requires_grad=True) if convert is np.float64
                                     else cr.stack([cr.tensor(1.5, requires_grad=True)]))) == 1.5)


@pytest.mark.parametrize("build", [
    lambda t: np.r_[t, t], lambda t: np.c_[t, t], lambda t: np.mgrid[0:t[0]],
    lambda t: np.ogrid[0:t[0]],
], ids=["r_", "c_", "mgrid", "ogrid"])
def test_the_index_tricks_refuse_a_tensor_that_requires_grad(build):
    with pytest.raises(TypeError, match="NumPy array"):
        build(cr.tensor([2.0, 3.0], requires_grad=True))


def test_python_functions_mapped_over_a_tensor_that_requires_grad_are_refused():
    x = cr.tensor([0.5, 1.0], requires_grad=True)
    with pytest.raises(TypeError, match="NumPy array"):
        np.vectorize(lambda v: 2 * v)(x)
    with pytest.raises(TypeError, match=r"numpy\.<lambda> \(vectorized\) is not differentiable"):
        np.frompyfunc(lambda v: 2 * v, 1, 1)(x)
