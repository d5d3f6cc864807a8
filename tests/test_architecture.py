"""The layering of the package, read from its source with ``ast``: which module imports which.

An import names the module it reads (``from chainrule.ops import shape`` reads ops/shape.py);
the packages above that module run first, but their own imports are counted where they are
written. Imports inside functions count as much as those at the top of a module.
"""

import ast
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
# The engine: tensors, primitives and the ops, the sweeps, in-place updates, NumPy dispatch.
CORE = ("tensor", "tensor_methods", "graph", "modes", "primitive", "trace_recording", "inplace",
        "interop", "autodiff", "ops")
# Layers that must be in no import loop at all; only Tensor and the ops may need each other.
LAYERED = ("graph", "modes", "primitive", "autodiff", "inplace", "interop", "transforms")
# Layers that importing chainrule must not load (they load on first use).
UPPER = ("nn", "optim", "data", "train", "checkpoint", "explanation", "cli")


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


PATHS = {module_name(path): path for path in sorted((ROOT / "chainrule").rglob("*.py"))}
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in PATHS.items()}


def package_of(name):
    return name if PATHS[name].name == "__init__.py" else name.rpartition(".")[0]


def layer_of(name):
    """The first name below ``chainrule`` (``ops`` for chainrule.ops.shape), or ''."""
    return name.split(".")[1] if "." in name else ""


def targets(name, node):
    """``(module, names read from it)`` for each chainrule module one import statement reads."""
    if isinstance(node, ast.Import):
        return [(alias.name, ()) for alias in node.names if alias.name in PATHS]
    base = node.module or ""
    if node.level:  # relative: counted from the importing module's package
        anchor = package_of(name).split(".")
        base = ".".join(anchor[: len(anchor) - node.level + 1] + ([base] if base else []))
    found = []
    for alias in node.names:
        if f"{base}.{alias.name}" in PATHS:  # a submodule
            found.append((f"{base}.{alias.name}", ()))
        elif base in PATHS:
            found.append((base, (alias.name,)))
    return found


def import_statements(tree):
    return [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]


def imports(name):
    """``(module, names, line)`` for every import of a chainrule module, at any depth."""
    return [(target, names, node.lineno) for node in import_statements(TREES[name])
            for target, names in targets(name, node)]


def function_level_imports(name):
    functions = [node for node in ast.walk(TREES[name])
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return sorted({node.lineno for function in functions for node in import_statements(function)
                   if targets(name, node)})


def late_imports(name):
    """Lines of module-level imports that come after the first statement that is code."""
    body = TREES[name].body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    imported = [isinstance(node, (ast.Import, ast.ImportFrom)) for node in body]
    first_code = imported.index(False) if False in imported else len(body)
    return [node.lineno for node, is_import in list(zip(body, imported))[first_code:] if is_import]


def strongly_connected(graph):
    """The strongly connected components of ``graph`` (Tarjan's algorithm, without recursion)."""
    index, low, stack, components = {}, {}, [], []
    for root in graph:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        work = [(root, iter(sorted(graph[root])))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None and child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child is not None:
                if child in stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    cut = stack.index(node)
                    components.append(set(stack[cut:]))
                    del stack[cut:]
    return components


def import_loops():
    graph = {name: {target for target, _, _ in imports(name)} for name in PATHS}
    return [component for component in strongly_connected(graph) if len(component) > 1]


def private_imports(modules):
    """Imports of a ``_private`` module or name that lives in another package."""
    found = []
    for name in modules:
        for target, names, line in imports(name):
            private = [part for part in (*target.split("."), *names)
                       if part.startswith("_") and not part.startswith("__")]
            if private and package_of(target) != package_of(name):
                found.append(f"{name}:{line} imports {', '.join(private)} from {target}")
    return found


def test_the_only_import_loop_allowed_is_within_tensor_and_the_ops():
    loops = [sorted(loop) for loop in import_loops()]
    outside = [loop for loop in loops
               if any(m != "chainrule.tensor" and layer_of(m) != "ops" for m in loop)]
    assert outside == [] and len(loops) <= 1, f"import loops: {loops}"


def test_graph_primitive_sweeps_inplace_interop_and_transforms_are_in_no_import_loop():
    looped = sorted(m for loop in import_loops() for m in loop if layer_of(m) in LAYERED)
    assert looped == []


def test_the_core_has_at_most_one_import_below_its_code():
    late = {name: late_imports(name) for name in PATHS if layer_of(name) in CORE}
    late = {name: lines for name, lines in late.items() if lines}
    assert sum(map(len, late.values())) <= 1, late


def test_the_core_imports_no_chainrule_module_inside_a_function():
    lazy = {name: function_level_imports(name) for name in PATHS if layer_of(name) in CORE}
    assert {name: lines for name, lines in lazy.items() if lines} == {}


def test_no_module_imports_a_private_name_from_another_package():
    assert private_imports(list(PATHS)) == []


def test_the_explanations_use_only_the_public_transforms_and_checkpoints():
    internal = [f"{name} imports {target}"
                for name in PATHS if layer_of(name) == "explanation"
                for target, _, _ in imports(name)
                if target.startswith(("chainrule.transforms.", "chainrule.checkpoint."))]
    assert internal == []


def test_rules_read_values_through_value_of():
    reads = [f"{name}:{node.lineno}"
             for name in PATHS if layer_of(name) == "ops"
             for node in ast.walk(TREES[name])
             if (isinstance(node, ast.Attribute) and node.attr == "_data")
             or (isinstance(node, ast.Constant) and node.value == "_data")]
    assert reads == []


def test_no_op_imports_the_jit_or_its_recording():
    tracer = [name for name in PATHS if layer_of(name) == "ops" and any(
        target.startswith(("chainrule.jit", "chainrule.trace_recording"))
        for target, _, _ in imports(name))]
    assert tracer == []


def test_importing_chainrule_loads_no_upper_layer():
    code = "import sys, chainrule\nprint(' '.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    loaded = [m for m in result.stdout.split() if m.startswith("chainrule.")
              and layer_of(m) in UPPER]
    assert loaded == []
