"""Derivatives as formulas: the engine's own rules, run on SymPy symbols instead of numbers.

The expression is recorded on tensors, every number in it a leaf too (so that nothing is folded
into a float). Each recorded node then gets its SymPy value from its primitive's symbolic
forward, and a reverse sweep calls each node's VJP rules with SymPy values: v̄ⱼ += v̄ᵢ·∂vᵢ/∂vⱼ
in symbols. Inside the rules, chainrule's ops meet SymPy values and take their symbolic forward
(the hook in ``chainrule.primitive.apply``). Higher orders: the engine records order − 1 sweeps
(``create_graph``) and the last sweep, over that record, is the symbolic one.
"""

from __future__ import annotations

import ast

import numpy as np

import chainrule as cr
from chainrule.autodiff import reverse
from chainrule.explanation.formulas import sampling
from chainrule.explanation.formulas import simplification
from chainrule.explanation.formulas import symbolic
from chainrule.explanation.formulas.expression import Expression, ExpressionError, evaluate
from chainrule.explanation.formulas.expression import parse as parse_expression
from chainrule.graph import leading_to, reachable

MAX_ORDER = 10
# Records beyond this many steps (high orders of long formulas) are refused rather than swept
# in symbols, as are derivatives beyond MAX_SIZE parts written out (pages long, slow to print).
MAX_NODES = 4000
MAX_SIZE = 4000


def derivative_formula(expression, wrt="x", order=1):
    """The ``order``-th derivative of a scalar formula, as simplified text.

    Obtained by running the engine's own rules on symbols (see the module documentation).

    Args:
        expression: formula text such as ``"sin(cos(x))"``, an ``Expression``, or a Python
            function of one variable written with chainrule ops.
        wrt: the variable to differentiate by.
        order: 1 to 4.

    Raises:
        ExpressionError: for a formula that cannot be read, or a bad ``wrt`` or ``order``.
        ModuleNotFoundError: without SymPy (``pip install chainrule[formulas]``).

    Example:
        >>> from chainrule.explanation.formulas.derivatives import derivative_formula
        >>> derivative_formula("sin(cos(x))")
        '-sin(x)*cos(cos(x))'
        >>> derivative_formula("x**3", order=2)
        '6*x'
    """
    return simplification.text_of(symbolic_derivative(expression, wrt, order))


def symbolic_derivative(expression, wrt="x", order=1):
    """The ``order``-th derivative as a SymPy expression (see :func:`derivative_formula`)."""
    sympy = symbolic.require_sympy()
    if not isinstance(order, int) or isinstance(order, bool) or not 1 <= order <= MAX_ORDER:
        raise ExpressionError(f"the order must be an integer from 1 to {MAX_ORDER}, got {order!r}")
    taken = record(expression, wrt)
    root = taken.root
    for _ in range(order - 1):
        root = _recorded_derivative(root, taken.leaf)
    if root is None or root.node is None:
        return sympy.Integer(0)
    try:
        values = symbolic_values(root, taken.symbols)
        derivative = symbolic_sweep(root, taken.leaf, values)
    except ExpressionError:
        raise
    except (TypeError, ValueError) as error:
        raise ExpressionError(f"SymPy cannot write this derivative: {error}") from None
    return simplification.simplify(derivative, like=values.get(taken.root.node))


def symbolic_value(expression, wrt="x"):
    """The formula itself as a SymPy expression, read from the same record (exact numbers)."""
    taken = record(expression, wrt)
    if taken.root.node is None:
        return symbolic.to_sympy(taken.root)
    try:
        return symbolic_values(taken.root, taken.symbols)[taken.root.node]
    except ExpressionError:
        raise
    except (TypeError, ValueError) as error:
        raise ExpressionError(f"SymPy cannot write this formula: {error}") from None


class Recording:
    """A formula recorded on tensors: ``root`` (its value), ``leaf`` (the tensor of ``wrt``) and
    ``symbols``, the SymPy value of each leaf node (variables and numbers)."""

    def __init__(self, root, leaf, symbols):
        self.root = root
        self.leaf = leaf
        self.symbols = symbols


def record(expression, wrt="x"):
    """Record ``expression`` on tensors at a point inside its domain (see :class:`Recording`)."""
    sympy = symbolic.require_sympy()
    if callable(expression) and not isinstance(expression, Expression):
        return _record_function(expression, wrt, sympy)
    expression = as_expression(expression)
    variables = variables_with(expression, wrt)
    point = sampling.inside_point(expression, variables)
    symbols = {}
    leaves = {}
    for name in variables:
        leaves[name] = cr.tensor(point[name], requires_grad=True)
        symbols[leaves[name].node] = sympy.Symbol(name, real=True)

    def number(node):
        leaf = cr.tensor(float(evaluate(node, {})), requires_grad=True)
        if isinstance(node, ast.Constant):
            symbols[leaf.node] = symbolic.literal(node.value)
        else:
            symbols[leaf.node] = {"pi": sympy.pi, "e": sympy.E}[node.id]
        return leaf

    with np.errstate(all="ignore"):
        root = evaluate(expression.tree, leaves, number)  # a tensor: every leaf is one
    return Recording(root, leaves[wrt], symbols)


def _record_function(function, wrt, sympy):
    leaf = cr.tensor(sampling.inside_point_of(function), requires_grad=True)
    with np.errstate(all="ignore"):
        root = function(leaf)
    root = root if isinstance(root, cr.Tensor) else cr.tensor(root)
    if root.ndim != 0:
        raise ExpressionError("formulas are for functions with one scalar output")
    return Recording(root, leaf, {leaf.node: sympy.Symbol(wrt, real=True)})


def as_expression(expression):
    """``expression`` parsed if it is text."""
    return expression if isinstance(expression, Expression) else parse_expression(expression)


def variables_with(expression, wrt):
    """The formula's variables, with ``wrt`` among them (checked)."""
    if not isinstance(wrt, str) or not wrt.isidentifier():
        raise ExpressionError(f"wrt must be a variable name such as 'x', got {wrt!r}")
    if expression.variables and wrt not in expression.variables:
        raise ExpressionError(
            f"{expression.text!r} does not depend on {wrt}: its variables are "
            f"{', '.join(expression.variables)}"
        )
    return tuple(sorted({*expression.variables, wrt}))


def _recorded_derivative(root, leaf):
    # One sweep by the engine with create_graph: its rules record the derivative's own graph.
    if root is None or root.node is None:
        return None
    seed = np.ones_like(root._data)
    found = reverse.sweep(
        [root.node], [seed], targets={leaf.node}, retain_graph=True, create_graph=True
    )
    derivative = found.get(leaf.node)
    if not isinstance(derivative, cr.Tensor) or derivative.node is None:
        return None
    _check_steps(reachable([derivative.node]))
    return derivative


def _check_steps(nodes):
    if len(nodes) > MAX_NODES:
        raise ExpressionError(
            f"the formula is too large for a symbolic derivative ({len(nodes):,} steps; at most "
            f"{MAX_NODES:,}); ask for its value at a point instead"
        )


def symbolic_values(root, symbols):
    """Each node's SymPy value, from its primitive's symbolic forward, in recording order."""
    nodes = reachable([root.node])
    _check_steps(nodes)
    forwards = symbolic.forwards()
    values = {}
    for node in reversed(nodes):
        if node.prim is None:
            values[node] = symbols.get(node, None)
            if values[node] is None:
                values[node] = symbolic.to_sympy(node.tensor_ref())
            continue
        forward = forwards.get(node.prim.name)
        if forward is None:
            raise ExpressionError(f"'{node.prim.name}' has no symbolic form for formulas")
        values[node] = forward(*_inputs(node, values), **node.params)
    return values


def _inputs(node, values):
    condition = node.prim.name == "where"
    return [
        values[parent] if parent is not None else symbolic.to_sympy(x, truth=condition and i == 0)
        for i, (x, parent) in enumerate(zip(node.inputs, node.parents))
    ]


def symbolic_sweep(root, leaf, values):
    """d root/d leaf: a reverse sweep over the record with each VJP rule called on SymPy values."""
    sympy = symbolic.require_sympy()
    nodes = reachable([root.node])
    useful = leading_to(nodes, {leaf.node})
    grads = {root.node: sympy.Integer(1)}
    sizes = {}
    for node in nodes:  # decreasing seq: every contribution to a node is in before it is used
        if node.prim is None or node not in grads:
            continue
        grad_out = grads.pop(node)
        inputs = _inputs(node, values)
        for i, parent in enumerate(node.parents):
            if parent is None or parent not in useful or node.prim.vjps[i] is None:
                continue
            contribution = _contribution(node, i, grad_out, values[node], inputs, sympy)
            grads[parent] = grads[parent] + contribution if parent in grads else contribution
            if simplification.tree_size(grads[parent], MAX_SIZE, sizes) > MAX_SIZE:
                raise ExpressionError(
                    f"the derivative is too large to show as a formula (over {MAX_SIZE:,} parts);"
                    " ask for its value at a point instead"
                )
    return grads.get(leaf.node, sympy.Integer(0))


def _contribution(node, i, grad_out, out, inputs, sympy):
    # The rule runs on stand-in symbols, then the values go in: the rule's float constants
    # (0.5, ln 10) meet only the stand-ins, so they are still themselves when made exact.
    given = [grad_out, out, *inputs]
    stand_ins = [sympy.Dummy(real=True) if _is_number(v, sympy) else v for v in given]
    rule_grad_out, rule_out, *rule_inputs = stand_ins
    try:
        local = node.prim.vjps[i](rule_grad_out, rule_out, *rule_inputs, **node.params)
    except (TypeError, AttributeError, ValueError):
        # A few rules multiply by a comparison (relu: grad_out·(x > 0)), which SymPy refuses;
        # for those the local derivative is SymPy's derivative of the op's symbolic forward.
        forward = symbolic.forwards()[node.prim.name](*rule_inputs, **node.params)
        local = rule_grad_out * sympy.diff(forward, rule_inputs[i])
    local = symbolic.exact_floats(symbolic.to_sympy(local))
    return local.xreplace({s: v for s, v in zip(stand_ins, given) if s is not v})


def _is_number(value, sympy):
    return isinstance(value, sympy.Expr)


__all__ = [
    "derivative_formula",
    "symbolic_derivative",
    "symbolic_value",
    "record",
    "Recording",
    "symbolic_values",
    "symbolic_sweep",
    "MAX_ORDER",
]
