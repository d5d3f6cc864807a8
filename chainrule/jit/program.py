"""The program a trace compiles to: its steps as one straight-line Python function of NumPy
calls, with no tensors, nodes or graph.

Each value lives in a local variable until its last reader has run; the variable is then
reused, so memory is given back as early as a sweep would give it back.
"""

from __future__ import annotations

import keyword
import re


class Slot:
    """A value the program computes (or takes as input) on every call: a local variable."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index

    def __repr__(self):
        return f"v{self.index}"


class Step:
    """One line of the program, ``out = fn(*args, **params)``: a recorded node's forward, with
    slots where it reads values of the trace and constants elsewhere."""

    __slots__ = ("fn", "name", "args", "params", "out")

    def __init__(self, fn, name, args, params, out):
        self.fn, self.name, self.args, self.params, self.out = fn, name, args, params, out


class Program:
    """The replayable form of one trace: ``run(*inputs)`` returns the flat outputs.

    ``source`` is the generated function (the Wengert list, forward and backward, as NumPy
    calls); ``steps`` is how many steps it runs.
    """

    def __init__(self, run, source, steps, constant_outputs):
        self.run = run
        self.source = source
        self.steps = steps
        self.constant_outputs = constant_outputs  # positions of outputs that are constants

    def __repr__(self):
        return f"<Program: {self.steps} steps>"


def build(inputs, steps, outputs, name="program"):
    """The program that runs ``steps`` (in order) and returns ``outputs`` (slots or constants).

    ``inputs`` are the slots the program's arguments fill, in order.
    """
    writer = _Writer(inputs, steps, outputs)
    source = writer.source()
    namespace = dict(writer.globals)
    exec(compile(source, f"<jit {name}>", "exec"), namespace)  # our own generated code
    constant_outputs = [i for i, out in enumerate(outputs) if type(out) is not Slot]
    return Program(namespace["program"], source, len(steps), constant_outputs)


def slots_in(step):
    """Every slot a step reads, in its arguments and params (nested in tuples and lists)."""
    found = []
    todo = [*step.args, *step.params.values()]
    while todo:
        value = todo.pop()
        if type(value) is Slot:
            found.append(value)
        elif type(value) is tuple or type(value) is list:
            todo.extend(value)
    return found


class _Writer:
    """Writes the program's source: one line per step, variables reused after their last read."""

    def __init__(self, inputs, steps, outputs):
        self.inputs, self.steps, self.outputs = inputs, steps, outputs
        self.globals = {}
        self._names = {}  # id(object) -> global name
        self._variable = {}  # slot index -> local variable name
        self._free = []
        self._count = 0

    def source(self):
        last_read = self._last_reads()
        args = [self._assign(slot) for slot in self.inputs]
        lines = [f"def program({', '.join(args)}):"]
        for position, step in enumerate(self.steps):
            call = self._call(step)
            for slot in slots_in(step):
                if last_read.get(slot.index) == position:
                    self._release(slot)
            lines.append(f"    {self._assign(step.out)} = {call}")
        returned = ", ".join(self._expression(out) for out in self.outputs)
        lines.append(f"    return ({returned},)" if self.outputs else "    return ()")
        return "\n".join(lines) + "\n"

    def _last_reads(self):
        last = {}
        for position, step in enumerate(self.steps):
            for slot in slots_in(step):
                last[slot.index] = position
        for out in self.outputs:
            if type(out) is Slot:
                last[out.index] = len(self.steps)  # outputs live to the end
        return last

    def _call(self, step):
        parts = [self._expression(a) for a in step.args]
        parts += [f"{key}={self._expression(v)}" for key, v in step.params.items()]
        return f"{self._global(step.fn, _identifier(step.name))}({', '.join(parts)})"

    def _expression(self, value):
        if type(value) is Slot:
            return self._variable[value.index]
        if (type(value) is tuple or type(value) is list) and any(
            type(v) is Slot or type(v) in (tuple, list) for v in value
        ):
            inner = ", ".join(self._expression(v) for v in value)
            return f"({inner},)" if type(value) is tuple else f"[{inner}]"
        return self._global(value, "c")

    def _global(self, value, prefix):
        # Constants are c0, c1, ...; functions keep their op's name (numbered when two differ).
        name = self._names.get(id(value))
        if name is None:
            name = prefix
            if prefix == "c" or name in self.globals:
                name = f"{prefix}{len(self._names)}"
            self._names[id(value)] = name
            self.globals[name] = value
        return name

    def _assign(self, slot):
        name = self._free.pop() if self._free else f"v{self._next()}"
        self._variable[slot.index] = name
        return name

    def _release(self, slot):
        name = self._variable.pop(slot.index, None)
        if name is not None:
            self._free.append(name)

    def _next(self):
        self._count += 1
        return self._count - 1


def _identifier(name):
    # Functions are named after their op, so that the source reads as the Wengert list.
    name = re.sub(r"\W", "_", name)
    return f"{name}_" if keyword.iskeyword(name) or name[:1].isdigit() else name


__all__ = ["Program", "Slot", "Step", "build", "slots_in"]
