"""The program a trace compiles to: its steps as one straight-line Python function of NumPy
calls, with no tensors, nodes or graph.

Each value lives in a local variable until its last reader has run; the variable is then
reused, so memory is given back as early as a sweep would give it back. 0-d float64 values are
held as Python floats where the steps on them allow (see :mod:`chainrule.jit.floats`).
"""

from __future__ import annotations

import keyword
import math
import re

from chainrule.jit.buffers import fresh_outputs, in_place_targets, ufunc_of
from chainrule.jit.floats import PYTHON_TYPE, RAISING, float_form, python_constant
from chainrule.jit.methods import method_form


class Slot:
    """A value the program computes (or takes as input) on every call: a local variable."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index

    def __repr__(self):
        return f"v{self.index}"


class Step:
    """One line of the program, ``out = fn(*args, **params)``: a recorded node's forward, with
    slots where it reads values of the trace and constants elsewhere. ``kind`` is the type of
    the value it made at the trace (None where unknown), ``layout`` its array's layout."""

    __slots__ = ("fn", "name", "args", "params", "out", "kind", "layout")

    def __init__(self, fn, name, args, params, out, kind=None, layout=None):
        self.fn, self.name, self.args, self.params, self.out = fn, name, args, params, out
        self.kind = kind
        self.layout = layout  # (shape, dtype, strides) of an array value, else None


class Program:
    """The replayable form of one trace: ``run(*inputs)`` returns the flat outputs.

    ``source`` is the generated function (the Wengert list, forward and backward, as NumPy
    calls); ``steps`` is how many steps it runs. ``fresh`` says that every output is an array
    a step made, each its own (see :func:`chainrule.jit.buffers.fresh_outputs`).
    """

    def __init__(self, run, source, steps, constant_outputs, donated=(), keeping=None,
                 fresh=False):
        self.run = run
        self.source = source
        self.steps = steps
        self.constant_outputs = constant_outputs  # positions of outputs that are constants
        self.fresh = fresh
        self.donated = donated  # positions of the inputs the program may write into
        self._keeping = keeping  # builds the program that writes into no input
        self._keeping_run = None if donated else run

    def run_keeping(self, *inputs):
        """``run``, writing into no input (for donated arrays that are not safe to write)."""
        if self._keeping_run is None:
            self._keeping_run = self._keeping()
        return self._keeping_run(*inputs)

    def __repr__(self):
        return f"<Program: {self.steps} steps>"


def build(inputs, steps, outputs, name="program", input_kinds=None, may_rerun=True,
          input_layouts=(), donated=()):
    """The program that runs ``steps`` (in order) and returns ``outputs`` (slots or constants).

    ``inputs`` are the slots the program's arguments fill, in order. ``input_kinds``, their
    types at the trace, lets 0-d float64 values be held as Python floats and array steps
    write into arrays that nothing reads any more (None: every step a NumPy call that makes a
    new value). Python raises on some float steps where NumPy returns inf (``1e200 ** 2``),
    and a step written in place raises where a value's dtype or shape is not the trace's (the
    eigenvalues of ``eig``, real or complex by value): a call that raises runs again as plain
    NumPy. ``may_rerun`` False (a program that draws random numbers, which a second run would
    draw anew) builds neither. ``input_layouts`` are the inputs' array layouts at the trace
    (None for non-arrays), and ``donated`` the positions of inputs the program may write
    into; a program that does is never run twice, and builds no float step that can raise.
    """
    writer = _Writer(inputs, steps, outputs, input_kinds, may_rerun, input_layouts, donated)
    run, source = _compiled(writer, name)
    if writer.reruns:
        run = _falling_back(run, writer.reruns,
                            lambda: _compiled(_Writer(inputs, steps, outputs), name)[0])
    constant_outputs = [i for i, out in enumerate(outputs) if type(out) is not Slot]

    def keeping():
        return build(inputs, steps, outputs, name, input_kinds, may_rerun, input_layouts).run

    return Program(run, source, len(steps), constant_outputs, tuple(sorted(donated)), keeping,
                   fresh=not constant_outputs and fresh_outputs(steps, outputs, Slot))


def _compiled(writer, name):
    source = writer.source()
    namespace = dict(writer.globals)
    exec(compile(source, f"<jit {name}>", "exec"), namespace)  # our own generated code
    return namespace["program"], source


def _falling_back(run, errors, numpy_program):
    """``run``, or for a call on which it raises one of ``errors``, the plain NumPy program
    (``numpy_program()`` builds it, once, when first needed)."""
    numpy_run = []

    def program(*inputs):
        try:
            return run(*inputs)
        except errors:
            if not numpy_run:
                numpy_run.append(numpy_program())
            return numpy_run[0](*inputs)

    return program


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

    def __init__(self, inputs, steps, outputs, input_kinds=None, may_rerun=False,
                 input_layouts=(), donated=()):
        self.inputs, self.steps, self.outputs = inputs, steps, outputs
        self.globals = {}
        self._names = {}  # id(object) -> global name
        self._variable = {}  # slot index -> local variable name
        self._free = []
        self._count = 0
        self._forms = {}  # step position -> its expression on Python floats
        self._methods = {}  # step position -> the writer of its expression as array methods
        self._python = set()  # indices of the slots held as Python numbers
        self._kinds = {}  # slot index -> the type of its value at the trace
        self._targets = {}  # step position -> the slot whose array it writes its result into
        self.reruns = ()  # the errors on which a call runs again as plain NumPy
        if input_kinds is not None:
            self._plan(input_kinds, may_rerun, input_layouts, donated)

    def _plan(self, input_kinds, may_rerun, input_layouts, donated):
        layouts = {step.out.index: step.layout for step in self.steps if step.layout is not None}
        layouts.update((slot.index, layout) for slot, layout in zip(self.inputs, input_layouts)
                       if layout is not None)
        given_up = {self.inputs[position].index for position in donated}
        # Without a second run, only into the caller's donated arrays: a failed write into a
        # temporary could not run again.
        self._targets = in_place_targets(self.steps, self.inputs, self._last_reads(), layouts,
                                         given_up, Slot, temporaries=may_rerun)
        writes_inputs = not given_up.isdisjoint(self._targets.values())
        raising = self._plan_floats(input_kinds, may_rerun and not writes_inputs)
        if not writes_inputs:
            self.reruns = (OverflowError, ZeroDivisionError) if raising else ()
            if self._targets:
                self.reruns += (TypeError, ValueError)

    def _plan_floats(self, input_kinds, may_raise):
        """Choose the float and method forms; whether some float step can raise."""
        kinds, raising = self._kinds, False
        kinds.update((slot.index, kind) for slot, kind in zip(self.inputs, input_kinds))
        for position, step in enumerate(self.steps):
            form = self._float_form(step)
            if form is not None and (may_raise or form not in RAISING):
                self._forms[position] = form
                raising = raising or form in RAISING
            else:
                self._method_form(position, step)
            if type(step.out) is Slot:
                kinds[step.out.index] = step.kind
        return raising

    def _float_form(self, step):
        operands = []
        for arg in step.args:
            if type(arg) is Slot:
                kind = self._kinds.get(arg.index)
                if kind not in PYTHON_TYPE:
                    return None
                operands.append((True, kind))
            else:
                constant = python_constant(arg)
                if constant is None:
                    return None
                operands.append((False, constant))
        return float_form(step.fn, step.params, step.kind, operands)

    def _method_form(self, position, step):
        kinds = [self._kinds.get(arg.index) if type(arg) is Slot else None for arg in step.args]
        form = method_form(step.fn, kinds)
        if form is not None:
            self._methods[position] = form

    def source(self):
        last_read = self._last_reads()
        args = [self._assign(slot) for slot in self.inputs]
        lines = [f"def program({', '.join(args)}):"]
        lines += self._python_inputs()
        for position, step in enumerate(self.steps):
            form = self._forms.get(position)
            if form is not None:
                call = self._float_call(step, form)
            elif position in self._targets:
                call = self._in_place_call(step, self._targets[position])
            elif position in self._methods:
                call = self._method_call(step, self._methods[position])
            else:
                call = self._call(step)
            for slot in slots_in(step):
                if last_read.get(slot.index) == position:
                    self._release(slot)
            lines.append(f"    {self._assign(step.out)} = {call}")
            if form is not None:
                self._python.add(step.out.index)
        returned = ", ".join(self._expression(out) for out in self.outputs)
        lines.append(f"    return ({returned},)" if self.outputs else "    return ()")
        return "\n".join(lines) + "\n"

    def _python_inputs(self):
        """Lines that turn the inputs a float step reads into Python numbers."""
        read = {arg.index for position in self._forms for arg in self.steps[position].args
                if type(arg) is Slot}
        lines = []
        for slot in self.inputs:
            kind = self._kinds.get(slot.index)
            if slot.index in read and kind in PYTHON_TYPE:
                python_type = PYTHON_TYPE[kind]
                name = self._variable[slot.index]
                convert = self._global(python_type, python_type.__name__)
                lines.append(f"    {name} = {convert}({name})")
                self._python.add(slot.index)
        return lines

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

    def _in_place_call(self, step, target):
        ufunc = ufunc_of(step.fn)
        parts = [self._expression(a) for a in step.args]
        written = self._variable[target]
        return f"{self._global(ufunc, ufunc.__name__)}({', '.join(parts)}, out={written})"

    def _method_call(self, step, form):
        params = {key: self._expression(value) for key, value in step.params.items()}
        return form(*[self._expression(arg) for arg in step.args], params)

    def _float_call(self, step, form):
        return form.format(*[self._variable[arg.index] if type(arg) is Slot
                             else self._literal(python_constant(arg)) for arg in step.args])

    def _literal(self, number):
        if type(number) is float and not math.isfinite(number):
            return self._global(number, "c")
        return f"({number!r})" if number < 0 else repr(number)

    def _expression(self, value):
        if type(value) is Slot:
            name = self._variable[value.index]
            if value.index in self._python:  # back to the NumPy scalar the trace saw
                kind = self._kinds[value.index]
                return f"{self._global(kind, kind.__name__)}({name})"
            return name
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
