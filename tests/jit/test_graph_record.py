"""cr.jit reads the engine's record: what the graph holds under a trace, how it compiles, and
that the rules and the core know nothing of jit."""

import ast
import gc
import pathlib
import weakref

import numpy as np
import pytest

import chainrule as cr
from chainrule.modes import running_trace
from chainrule.nn import functional as F

PACKAGE = pathlib.Path(cr.__file__).parent
# The core never imports the jit package; the rules do not even look at the recording switch.
CORE = ["tensor.py", "tensor_methods.py", "graph.py", "modes.py", "primitive", "trace_recording.py",
        "inplace.py", "interop.py", "ops", "autodiff", "linalg"]
RULES = ["ops"]
SWITCH = {"running_trace", "tracing", "is_traced", "refuse_in_trace", "guarded"}


def sources(parts):
    for part in parts:
        path = PACKAGE / part
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


def imported(path):
    """(module, name) for every import in the file."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield from ((node.module or "", alias.name) for alias in node.names)


def test_the_core_never_imports_the_jit_package():
    for path in sources(CORE):
        for module, name in imported(path):
            assert not (module.startswith("chainrule.jit") or (module, name) == (
                "chainrule", "jit")), f"{path.relative_to(PACKAGE)} imports {module}"


def test_no_rule_imports_the_recording_switch_or_the_tracer():
    for path in sources(RULES):
        for module, name in imported(path):
            where = path.relative_to(PACKAGE)
            assert module not in ("chainrule.trace_recording", "chainrule.jit",
                                  "chainrule.engine_state"), where
            assert not (module == "chainrule.modes" and name in SWITCH), f"{where}: {name}"


def layers(x):
    W1 = np.linspace(-1, 1, 12).reshape(4, 3)
    W2 = np.linspace(1, -1, 16).reshape(4, 4)
    return cr.tanh(W2 @ cr.tanh(W1 @ x))


@pytest.mark.parametrize("transform", [cr.jacrev(layers), cr.jacfwd(layers),
                                       cr.hessian(lambda x: cr.sum(layers(x) ** 2))])
def test_a_jacobian_under_jit_replays_one_batched_sweep(transform):
    jitted = cr.jit(transform)
    x, other = np.array([0.3, -0.2, 0.5]), np.array([-0.4, 0.1, 0.9])
    jitted(x)
    np.testing.assert_allclose(jitted(other), transform(other), rtol=1e-13, atol=1e-15)
    assert jitted.trace(x).source.count("batch_rows(") == 1  # one sweep for all the rows


# A rule with no batching rule (cumprod of a batch), though traceable: under jit the rows of a
# Jacobian are then swept one by one, each recorded. (Not registered: no op of the table.)
_doubled = cr.Primitive(
    "doubled_test_only", lambda x: 2 * x,
    (lambda grad_out, out, x: 2 * cr.cumprod(cr.expand_dims(grad_out, -1), axis=-1)[..., 0],),
    (lambda x_dot, out, x: 2 * cr.cumprod(cr.expand_dims(x_dot, -1), axis=-1)[..., 0],),
    symbolic="2*x", register=False,
)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("chunk_size", [None, 2])
def test_a_rule_that_cannot_batch_is_swept_row_by_row_under_jit(mode, chunk_size):
    transform = cr.jacobian(lambda x: cr.sin(_doubled(x)) * x, mode=mode, chunk_size=chunk_size)
    jitted = cr.jit(transform)
    jitted(np.array([0.1, 0.2, 0.3]))
    x = np.array([0.5, -0.7, 1.1])
    np.testing.assert_allclose(jitted(x), transform(x), rtol=1e-14)
    assert "batch_rows(" not in jitted.trace(x).source


def test_values_under_no_grad_or_detached_carry_no_derivative_under_jit():
    def f(x):
        with cr.no_grad():
            scale = x * 2
        return cr.grad(lambda z: cr.sum(z * scale + z.detach() * z))(x)

    jitted = cr.jit(f)
    jitted(np.ones(3))
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_array_equal(jitted(x), f(x))  # d/dz (z·2x + x·z) = 3x
    np.testing.assert_array_equal(jitted(x), 3 * x)


def test_a_traced_gradient_frees_the_forward_values_it_has_read():
    # As an eager backward pass frees them: the trace holds the activations no longer (W7).
    activations = []

    def loss(w, x):
        h = cr.tanh(x @ w)
        activations.append(weakref.ref(h._data))
        return cr.sum(h ** 2)

    def step(w, x):
        grad_w = cr.grad(loss)(w, x)
        gc.collect()
        assert activations[-1]() is None
        return w - 0.1 * grad_w, cr.value_and_grad(loss)(w, x)

    w, x = np.linspace(-1, 1, 12).reshape(4, 3), np.linspace(0, 1, 8).reshape(2, 4)
    jitted = cr.jit(step)
    for _ in range(2):  # traced, then replayed
        (new_w, (value, grad_w)), expected = jitted(w, x), step(w, x)
        np.testing.assert_allclose(new_w, expected[0], rtol=1e-14)
        np.testing.assert_allclose(value, expected[1][0], rtol=1e-14)
        np.testing.assert_allclose(grad_w, expected[1][1], rtol=1e-14)


def test_a_sweep_through_values_a_trace_dropped_is_refused():
    x = cr.tensor(2.0, requires_grad=True)
    y = x * x
    y.node.keep_layout_only()
    with pytest.raises(RuntimeError, match="second time.*jit trace dropped"):
        y.backward()


def test_labels_passed_in_or_computed_inside_are_followed_on_every_replay():
    def losses(scores, labels):
        picked = scores[np.arange(3), cr.argmax(scores, axis=1)]
        return F.nll_loss(F.log_softmax(scores, axis=1), labels), cr.sum(picked)

    jitted = cr.jit(losses)
    rng = np.random.default_rng(0)
    for _ in range(3):
        scores, labels = rng.standard_normal((3, 4)), rng.integers(0, 4, 3)
        for got, expected in zip(jitted(scores, labels), losses(cr.tensor(scores), labels)):
            assert got == expected.item()
    assert len(jitted.cache) == 1


def test_a_random_draw_is_drawn_again_even_on_a_constant():
    drop = cr.nn.Dropout(0.5, generator=np.random.default_rng(0))
    ones = np.ones(40)
    jitted = cr.jit(lambda x: x + drop(ones))
    draws = [jitted(np.zeros(40)) for _ in range(3)]
    assert not np.array_equal(draws[1], draws[2])


def test_requires_grad_on_a_traced_value_is_refused():
    with pytest.raises(cr.TraceError, match="requires_grad on a traced value.*cr.grad"):
        cr.jit(lambda x: cr.tensor(x, requires_grad=True) * 2)(np.ones(2))


def test_a_numpy_function_chainrule_does_not_know_is_refused_on_a_traced_value():
    with pytest.raises(cr.TraceError, match="numpy.i0 of a traced value"):
        cr.jit(lambda x: np.i0(x))(np.ones(2))


def test_recording_is_off_after_a_trace_and_after_a_failed_one():
    cr.jit(lambda x: x * 2)(np.ones(2))
    assert running_trace() is None
    with pytest.raises(cr.TraceError):
        cr.jit(lambda x: float(cr.sum(x)))(np.ones(2))
    assert running_trace() is None
