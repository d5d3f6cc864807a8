"""The compiled core (chainrule/_core.c) and the pure-Python engine it speeds up: where the
core is built it is the one that runs, both give the same numbers bit for bit and the same
errors, the engine's own tests pass on Python alone, and a wheel installs it without a compiler.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr
from chainrule import compiled
from chainrule.autodiff import reverse
from chainrule.primitive import calls
from chainrule.tensor import stale_watch

ROOT = Path(__file__).resolve().parents[1]
PURE = {**os.environ, "CHAINRULE_PURE_PYTHON": "1"}


def _compiler():
    cc = (sysconfig.get_config_var("CC") or "").split()
    return bool(cc) and shutil.which(cc[0]) is not None


@pytest.mark.skipif(not _compiler(), reason="no C compiler: the install runs pure Python")
def test_where_a_compiler_built_the_core_it_is_the_engine_that_runs():
    # A build that failed would leave every other test passing on Python alone: say so here.
    assert compiled.engine() == "compiled", (
        "chainrule/_core.c was not built; reinstall with a C compiler (pip install -e .) or "
        "see the build's log")
    assert type(cr.sin).__call__ is compiled.core.Callable.__call__
    assert calls.record is compiled.core.record


def test_the_switch_runs_python_alone():
    found = subprocess.run(
        [sys.executable, "-c", "import chainrule as cr; print(cr.compiled.engine())"],
        env=PURE, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "python"


# --- the same numbers from both engines --------------------------------------------------------

# Programs that reach every branch of the core: scalars and arrays, constants and integers on
# either side, broadcasting that the sweep fits, fan-out that it sums, ops with parameters,
# a non-differentiable op, float32 kept, complex where the op supports it, a variadic op, a
# second backward into the same leaves, retain_graph, the leaves' .grad, and SGD's update.
PROGRAMS = r'''
import json
import numpy as np
import chainrule as cr

def run():
    found = {}
    rng = np.random.default_rng(7)
    # a scalar graph, W1's shape: NumPy scalars, Python and integer constants, fan-out
    xs = [cr.tensor(np.float64(v), requires_grad=True) for v in rng.normal(size=50)]
    w = cr.tensor(np.float64(0.3), requires_grad=True)
    s = 0
    for x in xs:
        h = x * w + 1
        s = s + cr.maximum(h, 0.0) ** 2 - 3 * cr.sin(h) / (2 + x * x)
    s.backward()
    found["scalar"] = [float(x.grad) for x in xs] + [float(w.grad)]
    # arrays with broadcasting, reductions with parameters, a variadic op, float32 kept
    a = cr.tensor(rng.normal(size=(3, 4)).astype(np.float32), requires_grad=True)
    b = cr.tensor(rng.normal(size=4).astype(np.float32), requires_grad=True)
    c = cr.concatenate([a, a * b, b[None, :]], axis=0)
    loss = (cr.tanh(c) * c).sum(axis=1).mean() + cr.exp(b).max()
    loss.backward()
    found["arrays"] = [a.grad.numpy().tolist(), b.grad.numpy().tolist(),
                       str(a.grad.dtype), str(b.grad.dtype)]
    # a second backward adds to .grad; retain_graph lets it go through the same graph
    y = (a * a).sum()
    y.backward(retain_graph=True)
    y.backward()
    found["twice"] = a.grad.numpy().tolist()
    # complex values through ops that support them; integers and comparisons on the way
    z = cr.tensor(np.array([1 + 2j, -0.5 + 1j]), requires_grad=True)
    mask = cr.greater(cr.real(z), 0)
    v = cr.abs(cr.where(mask, z * z, cr.exp(z))).sum()
    v.backward()
    found["complex"] = [[q.real, q.imag] for q in z.grad.numpy().tolist()]
    # a deep chain (W6's shape) and a gradient of a gradient
    t = cr.tensor(0.7, requires_grad=True)
    u = t
    for _ in range(2000):
        u = cr.sin(u)
    u.backward()
    found["deep"] = float(t.grad)
    found["second"] = float(cr.grad(cr.grad(lambda q: cr.sin(q) * q ** 3))(0.4))
    # training steps: bias gradients summed over the batch (from the second step on by the
    # axes the first one found), each leaf's .grad handed over, plain SGD and SGD with
    # momentum, a 0-d parameter, float32 kept
    for momentum in (0.0, 0.9):
        W = cr.tensor(rng.normal(size=(4, 3)).astype(np.float32), requires_grad=True)
        bias = cr.tensor(np.zeros(3, np.float32), requires_grad=True)
        gain = cr.tensor(np.float32(1.5), requires_grad=True)
        optimizer = cr.optim.SGD([W, bias, gain], lr=0.1, momentum=momentum)
        inputs = rng.normal(size=(5, 4)).astype(np.float32)
        for _ in range(3):
            optimizer.zero_grad()
            logits = cr.tanh(inputs @ W + bias) * gain
            cr.nn.functional.cross_entropy(logits, np.array([0, 1, 2, 0, 1])).backward()
            optimizer.step()
        found[f"sgd {momentum}"] = [W.numpy().tolist(), bias.numpy().tolist(), float(gain),
                                    str(W.dtype), str(bias.grad.dtype), str(gain.dtype)]
    # one array reaching two leaves (add passes it on to both): each .grad is its own
    left = cr.tensor([1.0, 2.0], requires_grad=True)
    right = cr.tensor([3.0, 4.0], requires_grad=True)
    (left + right).sum().backward()
    found["own grads"] = bool(np.shares_memory(left.grad.numpy(), right.grad.numpy()))
    # a loss's backward pass, which the core takes whole: a NumPy number and a 0-d array as
    # the loss, float32 kept, two passes adding up; a one-value array of shape (1,) and a
    # leaf's own backward take the Python path
    g = cr.tensor(np.array([0.5, -1.0], np.float32), requires_grad=True)
    cr.sum(g * g).backward()
    cr.tensor(1.0, requires_grad=True)  # another dtype's seed between the two
    (cr.sum(g * 3) * cr.tensor(np.ones((), np.float32))).backward()
    cr.reshape(cr.sum(g), (1,)).backward()
    k = cr.tensor(np.float32(2.0), requires_grad=True)
    k.backward()
    found["loss seeds"] = [g.grad.numpy().tolist(), str(g.grad.dtype), float(k.grad),
                           str(k.grad.dtype)]
    errors = []
    # a rule that fails: its error, and the engine as it was before the pass (recording, and
    # no sweep counted as running)
    def failing_rule(grad_out, out, x):
        raise ArithmeticError("this rule fails")

    failing = cr.primitive("core_failing_rule", lambda x: x * 1.0, vjp=failing_rule,
                           jvp=lambda x_dot, out, x: x_dot)
    try:
        failing(cr.tensor(np.float64(1.0), requires_grad=True)).backward()
    except ArithmeticError as exc:
        errors.append(str(exc))
    from chainrule.autodiff.reverse import sweeps_running
    found["after a failed pass"] = [sweeps_running(), (g * 2).requires_grad]
    # a parameter whose .grad has another shape
    wrong = cr.tensor([1.0, 2.0], requires_grad=True)
    wrong.grad = cr.tensor([1.0, 2.0, 3.0])
    try:
        cr.optim.SGD([wrong], lr=0.1).step()
    except ValueError as exc:
        errors.append(str(exc))
    # the errors the engine gives: a second pass through a freed graph, a write in place
    q = cr.tensor([1.0, 2.0], requires_grad=True)
    r = (q * q).sum()
    r.backward()
    try:
        r.backward()
    except RuntimeError as exc:
        errors.append(str(exc))
    p = cr.tensor([1.0, 2.0], requires_grad=True)
    m = p * 1
    n = cr.sin(m)
    m[0] = 5.0
    try:
        n.sum().backward()
    except RuntimeError as exc:
        errors.append(str(exc))
    try:
        cr.log(cr.tensor([1j], requires_grad=True))
        cr.maximum(cr.tensor([1j], requires_grad=True), 0)
    except TypeError as exc:
        errors.append(str(exc))
    found["errors"] = errors
    return found

print(json.dumps(run()))
'''


def _programs(env):
    done = subprocess.run([sys.executable, "-c", PROGRAMS], env=env, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def test_both_engines_give_the_same_numbers_bit_for_bit_and_the_same_errors():
    python = _programs(PURE)
    ours = _programs({k: v for k, v in os.environ.items() if k != "CHAINRULE_PURE_PYTHON"})
    assert python == ours
    assert len(python["errors"]) == 5
    assert python["loss seeds"] == [[5.0, 2.0], "float32", 1.0, "float32"]  # 2g + 3 + 1
    assert python["after a failed pass"] == [False, True]
    assert python["own grads"] is False
    assert python["sgd 0.0"][3:] == ["float32"] * 3
    # and the numbers are right, not only alike
    assert python["deep"] == pytest.approx(_deep_chain_derivative(0.7, 2000), rel=1e-12)


def _deep_chain_derivative(x, links):
    derivative = 1.0
    for _ in range(links):
        derivative *= np.cos(x)
        x = np.sin(x)
    return derivative


# --- the engine's own tests, on Python alone --------------------------------------------------

ENGINE_TESTS = ["tests/test_graph.py", "tests/test_engine_fast_paths.py", "tests/test_tensor.py",
                "tests/test_tensor_methods.py", "tests/test_extension.py",
                "tests/test_custom_derivatives.py", "tests/test_multiple_outputs.py",
                "tests/test_seeds.py"]


@pytest.mark.skipif(compiled.core is None, reason="the suite itself runs on Python alone")
def test_the_engines_own_tests_pass_on_python_alone():
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         *ENGINE_TESTS], cwd=ROOT, env=PURE, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


# --- the core's own edges ---------------------------------------------------------------------

core = compiled.core
needs_core = pytest.mark.skipif(core is None, reason="the compiled core is not built")


@needs_core
def test_a_backend_error_names_the_op_from_the_compiled_path_too():
    from chainrule.backends import BackendError

    def forward(x):
        raise BackendError("this library has no such function", "fake")

    prim = cr.primitive("core_backend_failure", forward, vjp=lambda g, out, x: g,
                        jvp=lambda d, out, x: d)
    with pytest.raises(BackendError, match="core_backend_failure") as raised:
        prim(cr.tensor([1.0], requires_grad=True))
    assert raised.value.__suppress_context__


@needs_core
def test_the_sweep_loop_refuses_what_is_not_its_heap():
    with pytest.raises(TypeError, match="sweep_loop"):
        core.sweep_loop((), {}, {}, None, None, False)
    with pytest.raises(TypeError, match=r"\(-seq, node\) pairs"):
        core.sweep_loop([(0, "not a node")], {}, {}, None, None, False)
    with pytest.raises(TypeError, match="record"):
        core.record(cr.sin, (1.0,), None)


def test_a_stale_tensor_is_refused_on_the_compiled_path_as_on_the_python_one():
    a = cr.tensor([1.0, 2.0, 3.0], requires_grad=True) * 1
    view = a[1:]
    a[0] = 5.0  # a recorded write gives a a new array: the view no longer shows it
    with pytest.raises(RuntimeError, match="no longer holds its value"):
        cr.sin(view)
    with pytest.raises(RuntimeError, match="no longer holds its value"):
        view * 2
    assert float(cr.sin(a)[0]) == np.sin(5.0)  # the written tensor itself is fine


@needs_core
def test_ops_outside_the_common_case_take_the_python_path_with_the_same_result():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    # a list argument, a tensor subclass, a Python number alone, a symbol-free NumPy array
    assert np.allclose(cr.add(x, [1.0, 1.0]).numpy(), [2.0, 3.0])
    assert cr.sin(0.5) == np.sin(0.5)
    assert float(cr.sin(np.float64(0.5))) == np.sin(0.5)
    parameter = cr.nn.Parameter(np.array([0.5]))
    (cr.sin(parameter) * 2).sum().backward()
    assert parameter.grad.numpy() == pytest.approx(2 * np.cos([0.5]))
    # an observer (an explanation) sweeps in Python: the same gradient
    assert reverse.core is core


def _source_copy(folder):
    """The project's source as a clone has it: no core built in place, no build folders."""
    folder.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, folder / name)
    shutil.copytree(ROOT / "chainrule", folder / "chainrule",
                    ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    return folder


@pytest.mark.skipif(not _compiler(),
                    reason="no C compiler to build the wheel with")
def test_a_wheel_carries_the_core_and_installs_it_without_a_compiler(tmp_path):
    source = _source_copy(tmp_path / "source")
    built = subprocess.run(
        # Built as pip builds any wheel: setuptools of the version pyproject.toml asks for, in
        # an environment of its own (as `pip install -e .` did for this checkout).
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
         str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("chainrule-*.whl")
    assert not wheel.name.endswith("-none-any.whl"), wheel.name  # a platform wheel
    with zipfile.ZipFile(wheel) as archive:
        assert any(n.startswith("chainrule/_core") for n in archive.namelist())
    site = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target",
         str(site), str(wheel)], capture_output=True, text=True,
        env={**os.environ, "CC": "false", "CXX": "false"})
    assert installed.returncode == 0, installed.stderr[-2000:]
    ran = subprocess.run(
        [sys.executable, "-c", "import chainrule as cr; print(cr.__file__, cr.compiled.engine())"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(site)})
    location, engine = ran.stdout.split()
    assert location.startswith(str(site)) and engine == "compiled"


# --- the garbage collector: nodes it need not walk, and cycles it must still free ------------


@pytest.mark.parametrize("start", [0.5, np.array([0.5, 1.5])], ids=["scalar", "array"])
def test_a_chain_leaves_no_node_for_the_collector_to_walk(start):
    import gc

    from chainrule.graph import Node

    # A recorded write in place switches on the check for stale tensors for the rest of the
    # process (whatever ran before this test may have done one): the core makes it too.
    written = cr.tensor([1.0, 2.0], requires_grad=True) * 1
    written[0] = 3.0
    assert stale_watch.possible
    # sin reads its input: an array's node holds weak references to the tensors' versions.
    x = cr.tensor(start, requires_grad=True)
    y = x
    for _ in range(500):
        y = cr.sin(y) * 2 + 1
    nodes, waiting = set(), [y.node]
    while waiting:  # the chain's own nodes (earlier tests' garbage may be waiting in the lists)
        node = waiting.pop()
        if node is not None and node not in nodes:
            nodes.add(node)
            waiting.extend(node.parents)
    assert len(nodes) == 1501 and all(isinstance(node, Node) for node in nodes)
    tracked = sum(1 for node in nodes if gc.is_tracked(node))
    # The compiled core untracks nodes that can be in no cycle (the leaf's holds its tensor
    # weakly, and stays); Python tracks every node.
    assert tracked == 1 if core is not None else tracked == 1501
    cr.sum(y).backward()
    assert np.isfinite(x.grad.numpy()).all()


@pytest.mark.parametrize("value", [0.5, np.array([0.5, 1.5])], ids=["scalar", "array"])
def test_the_cycle_through_a_gradient_of_a_gradient_is_still_freed(value):
    # x → x.grad → the recorded backward graph → the forward graph → x: only the collector
    # frees it, so no node on it may be hidden from the collector.
    import gc
    import weakref

    x = cr.tensor(value, requires_grad=True)
    y = cr.sum(cr.sin(x) * x * x)
    y.backward(create_graph=True)
    assert x.grad.requires_grad
    alive = weakref.ref(x)
    del x, y
    gc.collect()
    assert alive() is None


def test_without_a_compiler_pip_installs_the_pure_python_engine(tmp_path):
    # CC names a program that fails: the extension is optional, so the install goes on
    # without it and chainrule runs pure Python.
    site = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site),
         str(_source_copy(tmp_path / "source"))], capture_output=True, text=True,
        env={**os.environ, "CC": "false", "LDSHARED": "false"})
    assert installed.returncode == 0, installed.stderr[-2000:]
    assert not list((site / "chainrule").glob("_core*.so"))
    ran = subprocess.run(
        [sys.executable, "-c", "import chainrule as cr; x = cr.tensor(2.0, requires_grad=True);"
         " (x * x).backward(); print(cr.__file__, cr.compiled.engine(), float(x.grad))"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(site)})
    location, engine, grad = ran.stdout.split()
    assert location.startswith(str(site)) and engine == "python" and grad == "4.0"


@needs_core
def test_a_linear_maps_adjoint_runs_as_a_rule_with_its_parameters():
    rule = core.AdjointRule(lambda grad_out, x, *, scale=1.0: grad_out * x * scale)
    assert rule(2.0, "the output, never read", 3.0) == 6.0
    assert rule(2.0, None, 3.0, scale=0.5) == 3.0
    many = core.AdjointRule(lambda grad_out, *inputs, **params: (grad_out, inputs, params))
    inputs = tuple(range(12))  # more arguments than the core passes without allocating
    assert many(1, None, *inputs, a=1, b=2) == (1, inputs, {"a": 1, "b": 2})
    with pytest.raises(TypeError, match="out is missing"):
        rule(2.0)
    with pytest.raises(TypeError, match="callable"):
        core.AdjointRule(3)
    assert "AdjointRule" in repr(rule) and rule.adjoint(1.0, 2.0) == 2.0


@needs_core
def test_an_elementwise_ops_rules_are_its_derivative_times_the_gradient():
    rule = core.DerivativeRule(lambda x, out: 2 * x - out)
    assert rule(0.5, 1.0, 3.0) == 2.5  # 0.5 · (2·3 − 1)
    found = rule(np.float32(2.0), np.ones(2, np.float32), np.array([1.0, 2.0], np.float32))
    assert found.dtype == np.float32 and found.tolist() == [2.0, 6.0]
    with pytest.raises(TypeError, match=r"\(grad_out, out, x\)"):
        rule(1.0, 2.0)
    with pytest.raises(TypeError, match="no parameters"):
        rule(1.0, 2.0, 3.0, axis=0)
    with pytest.raises(ZeroDivisionError):
        core.DerivativeRule(lambda x, out: 1 / 0)(1.0, 1.0, 1.0)
    assert cr.tanh.vjps[0].derivative is cr.tanh.jvps[0].derivative


@needs_core
def test_a_loss_in_an_observed_or_traced_pass_is_left_to_python():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    assert not core.plain_backward(x, reverse.LeafNode, reverse.accumulate)  # a leaf
    assert not core.plain_backward(x * 1.0, reverse.LeafNode, reverse.accumulate)  # 2 values
    loss = (x * x).sum()
    with cr.detect_anomaly():
        assert not core.plain_backward(loss, reverse.LeafNode, reverse.accumulate)
    assert x.grad is None  # nothing done
    assert core.plain_backward(loss, reverse.LeafNode, reverse.accumulate)
    assert x.grad.numpy().tolist() == [2.0, 4.0]


@needs_core
def test_tensor_operators_record_as_the_python_ones_do():
    a = cr.tensor([1.0, 4.0], requires_grad=True)
    assert isinstance(vars(cr.Tensor)["__rsub__"], core.OperatorMethod)
    assert (1 - a).numpy().tolist() == [0.0, -3.0]  # reflected: (other, self)
    assert (2 ** a).node.prim is cr.power and (-a).node.prim is cr.negative
    bound = a.__truediv__
    assert bound(2.0).numpy().tolist() == [0.5, 2.0]
    assert cr.Tensor.__matmul__(a, a).numpy() == 17.0
    with pytest.raises(TypeError, match=r"__mul__ takes 1 argument \(0 given\)"):
        a.__mul__()
    with pytest.raises(TypeError, match="__neg__ takes 0 arguments"):
        a.__neg__(1.0)
    assert "__add__" in repr(cr.Tensor.__add__)
    loss = (a * a / 2 - 3 * a).sum()
    loss.backward()
    assert a.grad.numpy().tolist() == [-2.0, 1.0]  # a − 3
