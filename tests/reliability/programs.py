"""Random programs: Wengert lists of ops, with fan-out and broadcasting, valid at their inputs.

A program is drawn from a seed: 1 to 3 inputs whose shapes broadcast together, then steps that
each apply one op (program_ops.py, program_shapes.py) to earlier values — often to the same
value several times, so gradients meet at fan-outs. Each op is picked by domain at the actual
values, so the program is differentiable where it is evaluated. The outputs nobody used are
summed into the last one: every step contributes to the result.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

import chainrule as cr
from tests.reliability.program_numpy import NUMPY_MORE
from tests.reliability.program_ops import BINARY, JOINING, PARAMETRIC, UNARY, OpKind
from tests.reliability.program_shapes import NORMALIZING, REDUCTIONS, SHAPES

KINDS = {
    kind.name: kind
    for kind in UNARY + PARAMETRIC + BINARY + JOINING + REDUCTIONS + NORMALIZING + SHAPES
    + NUMPY_MORE
}
# Families with their weights: mostly elementwise, where fan-out and broadcasting happen.
FAMILIES = [
    (UNARY + PARAMETRIC, 0.35),
    (BINARY, 0.25),
    (JOINING, 0.08),
    (REDUCTIONS, 0.12),
    (NORMALIZING, 0.06),
    (SHAPES, 0.14),
    (NUMPY_MORE, 0.2),
]
UNIVERSES = [(), (3,), (2, 3), (3, 2), (2, 1, 3), (2, 0)]
LARGEST = 1e3  # values beyond this are refused: finite differences stay accurate
BIGGEST = 24  # entries of one value


def program_seeds():
    """The seeds to check: CHAINRULE_PROGRAMS of them (200) from CHAINRULE_PROGRAMS_FROM (0)."""
    first = int(os.environ.get("CHAINRULE_PROGRAMS_FROM", "0"))
    return range(first, first + int(os.environ.get("CHAINRULE_PROGRAMS", "200")))


class Chainrule:
    """chainrule under NumPy's names, the backend that programs run on here."""

    def __getattr__(self, name):
        return getattr(cr, name)

    @staticmethod
    def softmax(x, axis):
        return cr.nn.functional.softmax(x, axis=axis)

    @staticmethod
    def matrix_power(x, n):
        return cr.linalg.matrix_power(x, n)

    @staticmethod
    def log_softmax(x, axis):
        return cr.nn.functional.log_softmax(x, axis=axis)

    @staticmethod
    def getitem(x, index):
        return x[index]


CHAINRULE = Chainrule()


@dataclass
class Step:
    op: str
    args: tuple
    params: dict = field(default_factory=dict)


@dataclass
class Program:
    seed: int
    inputs: list
    steps: list

    def __call__(self, *xs, backend=CHAINRULE):
        values = list(xs)
        for step in self.steps:
            operands = [values[i] for i in step.args]
            values.append(KINDS[step.op].apply(backend, *operands, **step.params))
        return values[-1]

    def __repr__(self):
        lines = [f"program {self.seed}:"]
        lines += [f"  v{i} = input {x.shape}" for i, x in enumerate(self.inputs)]
        for k, step in enumerate(self.steps, start=len(self.inputs)):
            arguments = [f"v{i}" for i in step.args]
            arguments += [f"{name}={_short(value)}" for name, value in step.params.items()]
            lines.append(f"  v{k} = {step.op}({', '.join(arguments)})")
        return "\n".join(lines)


def _short(value):
    return f"{value.tolist()}" if isinstance(value, np.ndarray) else repr(value)


def random_program(seed, steps=None):
    """The program drawn from ``seed``: 3 to 9 steps (or ``steps``) on 1 to 3 inputs."""
    rng = np.random.default_rng(seed)
    universe = UNIVERSES[rng.integers(len(UNIVERSES))]
    inputs = [
        rng.uniform(-2.0, 2.0, size=sub_shape(rng, universe)) for _ in range(rng.integers(1, 4))
    ]
    values, program = list(inputs), Program(seed, inputs, [])
    wanted = int(rng.integers(3, 10)) if steps is None else steps
    for _ in range(50 * wanted):
        if len(program.steps) == wanted:
            break
        step = random_step(rng, values)
        if step is not None:
            values.append(
                KINDS[step.op].apply(CHAINRULE, *(values[i] for i in step.args), **step.params)
            )
            program.steps.append(step)
    gather_unused(program, values)
    return program


def sub_shape(rng, universe):
    """A shape that broadcasts to ``universe``: leading axes dropped, some sides made 1."""
    kept = universe[rng.integers(len(universe) + 1) :]
    return tuple(1 if rng.random() < 0.3 else side for side in kept)


def random_step(rng, values):
    """One step on earlier values, or None when the drawn op does not fit them."""
    families, weights = zip(*FAMILIES)
    family = families[rng.choice(len(families), p=np.array(weights) / sum(weights))]
    kind = family[rng.integers(len(family))]
    args = tuple(pick_operand(rng, len(values)) for _ in range(kind.arity))
    params = kind.propose(rng, *(values[i] for i in args))
    if params is None:
        return None
    with np.errstate(all="ignore"):
        out = np.asarray(kind.apply(CHAINRULE, *(values[i] for i in args), **params))
    if out.size > BIGGEST or not np.all(np.isfinite(out)) or np.any(np.abs(out) > LARGEST):
        return None
    return Step(kind.name, args, params)


def pick_operand(rng, count):
    """The newest value half the time (long chains), any earlier one otherwise (fan-out)."""
    return count - 1 if rng.random() < 0.5 else int(rng.integers(count))


def gather_unused(program, values):
    """Add every value no step used (inputs too) into the last one, through a full sum."""
    used = {i for step in program.steps for i in step.args}
    last = len(values) - 1
    for i in range(last):
        if i not in used:
            program.steps.append(Step("sum", (i,), {"axis": None, "keepdims": False}))
            program.steps.append(Step("add", (last, len(program.inputs) + len(program.steps) - 1)))
            last = len(program.inputs) + len(program.steps) - 1


def fan_out(program):
    """How many values are used more than once (by one step or by several)."""
    counts = {}
    for step in program.steps:
        for i in step.args:
            counts[i] = counts.get(i, 0) + 1
    return sum(1 for c in counts.values() if c > 1)


def broadcasts(program):
    """How many steps combine operands of different shapes."""
    values = [np.shape(x) for x in program.inputs]
    count = 0
    for step in program.steps:
        shapes = {values[i] for i in step.args}
        count += len(shapes) > 1 and KINDS[step.op].arity == 2
        values.append(_shape_after(program, step, values))
    return count


def _shape_after(program, step, values):
    dummies = [np.ones(values[i]) for i in step.args]
    with np.errstate(all="ignore"):
        return np.shape(KINDS[step.op].apply(CHAINRULE, *dummies, **step.params))


__all__ = [
    "CHAINRULE",
    "KINDS",
    "OpKind",
    "Program",
    "Step",
    "broadcasts",
    "fan_out",
    "program_seeds",
    "random_program",
]
