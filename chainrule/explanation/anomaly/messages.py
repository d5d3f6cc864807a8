"""What detect_anomaly says about a NaN or inf: the values that made it and the usual fix."""

from __future__ import annotations

import math

import numpy as np

from chainrule.explanation.formulas.local import local_formula
from chainrule.explanation.formulas.terms import variable

# Where each op is real and finite; at the edge or outside, NaN or inf is the right answer.
_DOMAINS = {
    "log": "x > 0",
    "log2": "x > 0",
    "log10": "x > 0",
    "log1p": "x > -1",
    "sqrt": "x ≥ 0",
    "arcsin": "-1 ≤ x ≤ 1",
    "arccos": "-1 ≤ x ≤ 1",
    "arccosh": "x ≥ 1",
    "arctanh": "-1 < x < 1",
}
_LOGS = {"log": 0, "log2": 0, "log10": 0, "log1p": -1}
# Where the exponentials overflow, as a function of the largest float.
_OVERFLOW_AT = {
    "exp": math.log,
    "expm1": math.log,
    "exp2": math.log2,
    "cosh": lambda top: math.log(2 * top),
    "sinh": lambda top: math.log(2 * top),
}
# The double-where pattern: the inner where keeps the op away from its bad points.
_PATTERNS = {
    "divide": "where(y != 0, x / where(y != 0, y, 1), 0)",
    "reciprocal": "where(x != 0, 1 / where(x != 0, x, 1), 0)",
    "log1p": "where(x > -1, log1p(where(x > -1, x, 0)), 0)",
    "power": "where(x > 0, where(x > 0, x, 1) ** y, 0)",
}


def short(value):
    """A number as people write it (0, -inf, 1e+300); an array as its shape and largest entry."""
    if value is None:
        return "None"
    if isinstance(value, (list, tuple)):
        value = np.asarray(value)
    if np.ndim(value) == 0 and isinstance(value, (int, float, complex, np.generic, np.ndarray)):
        value = np.asarray(value)[()]
        if isinstance(value, (bool, np.bool_)):
            return str(bool(value))
        if isinstance(value, (int, np.integer)):
            return str(int(value))
        if isinstance(value, (complex, np.complexfloating)):
            return str(complex(value))
        return format(float(value), ".6g")
    if not isinstance(value, np.ndarray):
        return type(value).__name__
    if value.size == 0 or value.dtype == bool:
        return f"<{value.dtype} array of shape {value.shape}>"
    return f"<array of shape {value.shape}, largest |entry| {short(np.max(np.abs(value)))}>"


def forward_message(op, step, inputs, out, index):
    """The error for the NaN or inf at ``index`` of ``out`` that ``op`` made from ``inputs``."""
    shape = np.shape(out)
    value = np.asarray(out)[index]
    inputs = entries(inputs, index, shape)
    call = f"{op}({', '.join(short(x) for x in inputs)}) = {short(value)}"
    return "\n".join(
        [
            f"the forward pass produced {short(value)} at {step}{position(index, shape)}",
            f"  {call}",
            f"  hint: {forward_hint(op, inputs, value, getattr(out, 'dtype', None))}",
        ]
    )


def lines_up(shape, target):
    """Whether an array of ``shape`` broadcasts entry by entry onto ``target``."""
    try:
        return np.broadcast_shapes(shape, target) == tuple(target)
    except ValueError:
        return False


def entry(value, index, shape):
    """``value``'s entry at ``index`` of ``shape`` when it lines up with it, else None."""
    if value is None or not lines_up(np.shape(value), shape):
        return None
    return np.broadcast_to(value, shape)[index]


def entries(values, index, shape):
    """Each value's entry at ``index``; one that does not line up is shown whole."""
    found = [entry(v, index, shape) for v in values]
    return [v if e is None else e for v, e in zip(values, found)]


def position(index, shape):
    return f", at index {index} of shape {tuple(shape)}" if shape else ""


def pattern(op):
    return _PATTERNS.get(op, f"where(x > 0, {op}(where(x > 0, x, 1)), 0)")


def forward_hint(op, inputs, value, dtype):
    """The usual cause and fix when ``op`` made ``value`` (NaN or inf) from finite ``inputs``."""
    if any(np.size(x) == 0 for x in inputs if isinstance(x, np.ndarray)):
        return (
            f"the input is empty, and {op} over no entries gives {short(value)}. Reduce over an "
            "axis that has entries, or handle the empty case before this step"
        )
    if op in _LOGS:
        edge = _LOGS[op]
        return (
            f"{op}({edge}) = -inf, and {op} below {edge} is nan: the input reached the edge "
            f"of the domain ({_DOMAINS[op]}), e.g. a probability that underflowed to 0. Clip "
            "it (clip(x, 1e-12, None)), or stay in log space: log_softmax instead of "
            "log(softmax(x)), logsumexp instead of log(sum(exp(x))), log1p(x) for log(1 + x)"
        )
    if (op == "divide" and _is_zero(inputs[1])) or (op == "reciprocal" and _is_zero(inputs[0])):
        return (
            "division by zero: x / 0 is ±inf and 0 / 0 is nan. Guard the denominator with "
            f"the double-where pattern, {pattern('divide')}, or keep it away from 0 with a "
            "small epsilon (x / (y + 1e-12) when y ≥ 0)"
        )
    if op == "power" and _is_zero(inputs[0]):
        return (
            "0 to a negative power is inf. Keep the base away from 0 (clip it, or add a small "
            "epsilon), or use the double-where pattern "
            "where(x != 0, where(x != 0, x, 1) ** y, 0)"
        )
    if op in _DOMAINS:
        return (
            f"the input is at the edge of or outside {op}'s domain ({_DOMAINS[op]}). Clip "
            f"it into the domain; if this {op} is a branch of a where that is not selected "
            "here, its gradient will be nan too: keep its input in the domain with a second "
            f"where (the double-where pattern), {pattern(op)}"
        )
    if np.isinf(value):
        return _overflow_hint(op, dtype)
    return (
        f"{op} gives nan for these finite inputs: they are outside its domain. Check them, "
        "and clip them into the domain or guard them with a where"
    )


def _overflow_hint(op, dtype):
    top = _largest(dtype)
    text = f"the result is beyond the largest {_dtype_name(dtype)} ({short(top)})"
    if op in _OVERFLOW_AT:
        return (
            f"{text}: {op} overflows above about x = {_OVERFLOW_AT[op](top):.2f}. Work in "
            "log space: logsumexp(x) for log(sum(exp(x))), softplus(x) for log(1 + exp(x)), "
            "softmax and log_softmax (they subtract the maximum first) for "
            "exp(x) / sum(exp(x))"
        )
    return (
        f"{text}. Rescale the inputs (normalize them), or compute in log space (logsumexp, "
        "softplus, log_softmax)"
    )


class Term:
    """One chain-rule term at a bad entry: the gradient (or tangent) arriving there, times the
    local derivative of input ``i``.

    Built from whole arrays: ``incoming``, ``local`` (the rule applied to ones) and the op's
    ``inputs``; ``at(index, shape)`` picks their entries (None for one that does not line up
    with the result, such as a reduction's input). ``arrived_from`` names the ops whose
    gradients reached this one.
    """

    def __init__(self, phase, prim, i, incoming, local, inputs, params, arrived_from=()):
        self.phase = phase
        self.prim = prim
        self.i = i
        self.params = params
        self.whole = (incoming, local, inputs)
        self.arrived_from = arrived_from
        self.flow = "gradient" if phase == "backward" else "tangent"
        self.incoming = self.local = None
        self.inputs = inputs

    def at(self, index, shape):
        incoming, local, inputs = self.whole
        self.incoming, self.local = entry(incoming, index, shape), entry(local, index, shape)
        self.inputs = entries(inputs, index, shape)
        return self

    def product_is_bad(self):
        if self.incoming is None or self.local is None:
            return False
        return not np.isfinite(np.asarray(self.incoming) * np.asarray(self.local))

    def message(self, where, name, input_name, produced, index):
        """The error: where the NaN or inf arose, the values that made it, and the fix."""
        shape = np.shape(produced)
        value = np.asarray(produced)[index]
        self.at(index, shape)
        lines = [f"the {self.phase} pass produced {short(value)} {where}{position(index, shape)}"]
        lines += [f"  {line}" for line in self.describe(name, input_name, value)]
        lines.append(f"  hint: {self.hint(getattr(produced, 'dtype', None))}")
        return "\n".join(lines)

    def describe(self, name, input_name, value):
        """The lines that show the product and the local derivative's formula and inputs."""
        derivative = f"∂{name}/∂{input_name}"
        if self.phase == "backward":
            factors = [(f"gradient arriving at {name}", self.incoming), (derivative, self.local)]
        else:
            factors = [(derivative, self.local), (f"tangent of {input_name}", self.incoming)]
        if self.incoming is not None and self.local is not None:
            product = " · ".join(f for f, _ in factors)
            values = " · ".join(short(v) for _, v in factors)
            lines = [f"{product} = {values} = {short(value)}"]
        else:
            lines = [f"{f} = {short(v)}" for f, v in factors if v is not None]
        names = [self.prim.inputs[k] for k in range(len(self.inputs))]
        at = ", ".join(f"{n} = {short(x)}" for n, x in zip(names, self.inputs))
        lines.append(f"{derivative} = {self.formula(names)} with {at}")
        return lines

    def formula(self, names):
        """The local derivative as the op's own rule writes it, in the op's input names."""
        args = [variable(name, np.asarray(x)[()]) for name, x in zip(names, self.inputs)]
        with np.errstate(all="ignore"):
            out = self.prim.forward(*[np.asarray(x)[()] for x in self.inputs], **self.params)
        mode = "reverse" if self.phase == "backward" else "forward"
        return local_formula(self.prim, self.i, args, self.params, out, mode).text

    def hint(self, dtype):
        op, flow, local = self.prim.name, self.flow, self.local
        if local is not None and not np.isfinite(local):
            if self.incoming is not None and self.incoming == 0:
                if "where" in self.arrived_from:
                    return (
                        f"`where` did not select this branch here, so the gradient reaching "
                        f"{op} is 0; but {op}'s derivative is still computed there, and "
                        f"0 · {short(local)} = nan. Keep the branch that is not selected "
                        "away from its bad point with a second where on its input (the "
                        f"double-where pattern): {pattern(op)}"
                    )
                return (
                    f"the {flow} reaching {op} is 0 here (the result does not depend on "
                    "this entry: a masked entry, a relu that is off, a where branch that "
                    f"was not selected), but {op}'s local derivative is {short(local)}, and "
                    f"0 · {short(local)} = nan. Make the input safe where it is not used, "
                    f"e.g. {pattern(op)} (the double-where pattern), or keep it away from "
                    "the bad point with a small epsilon"
                )
            if np.isnan(local):
                return (
                    f"{op}'s derivative is nan at this input: {op} is not differentiable "
                    "there. Keep the input inside the domain (clip it), or skip it with the "
                    f"double-where pattern, {pattern(op)}"
                )
            return (
                f"{op}'s derivative is {short(local)} at this input: {op} is not "
                "differentiable there. Keep the input away from that point (clip it, or add "
                f"a small epsilon: {op}(x + 1e-12)), or skip it with the double-where "
                f"pattern, {pattern(op)}"
            )
        return (
            f"the {flow} times the local derivative is beyond the largest "
            f"{_dtype_name(dtype)} ({short(_largest(dtype))}). Rescale the loss "
            "or the inputs, or use a formulation that stays in range: logsumexp for "
            "log(sum(exp(x))), softplus for log(1 + exp(x)), log_softmax for log(softmax(x))"
        )


def _is_zero(value):
    return value is not None and np.ndim(value) == 0 and value == 0


def _largest(dtype):
    dtype = np.dtype(dtype) if dtype is not None else np.dtype(np.float64)
    return np.finfo(dtype).max if np.issubdtype(dtype, np.inexact) else np.finfo(np.float64).max


def _dtype_name(dtype):
    return str(np.dtype(dtype)) if dtype is not None else "float"
