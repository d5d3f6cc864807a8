"""The fast path of a jitted call: a reader generated per signature that tests, in straight-line
code, that a call has exactly the argument structure, types, shapes and dtypes of the calls the
trace was made for, and returns its inputs — no tree walk, no signature tuple, no hash.

A call the reader refuses takes the general path (``Jitted.__call__``), which finds or makes the
right trace; so a reader may be stricter than the general path, never looser. It handles calls
whose leaves are arrays, NumPy scalars and Python numbers; tensors always take the general path
(they may carry derivatives).
"""

from __future__ import annotations

import numpy as np

# The NumPy scalar types whose type alone fixes the dtype, with the signature of such a value.
SCALAR_SIGNATURES = {
    np.dtype(code).type: ((), np.dtype(code)) for code in np.typecodes["All"]
    if np.dtype(code).kind in "biufc"
}
_NUMBERS = (bool, int, float, complex)
# Beyond this many leaves a reader is not written out leaf by leaf (its source would be long);
# a run of NumPy scalars of one type counts as one test, so W1's 12,000 scalars still qualify.
_MOST_TESTS = 256
_RUN = 16  # a list of at least this many NumPy scalars of one type is tested as one run


class Reader:
    """``read(args, kwargs)``: ``(inputs, writes, kept)`` for a call like the one it was written
    for, else None. ``inputs`` are the trace's inputs in order; ``writes`` says whether the
    donated ones may be written (arrays that own their memory, writeable, each passed once, no
    other input a view of one); ``kept`` are the inputs a result must not share memory with."""

    __slots__ = ("read", "source")

    def __init__(self, read, source):
        self.read, self.source = read, source


def reader_for(args, kwargs, static_argnums, donated):
    """The :class:`Reader` for calls shaped like ``(args, kwargs)``, or None where the fast path
    does not apply (a tensor or another kind of leaf, or too many leaves to write out).
    ``donated`` holds the positions among the inputs of the arrays the program may write."""
    source = _Source(static_argnums)
    if not source.arguments(args, kwargs):
        return None
    namespace = dict(source.globals)
    exec(compile(source.text(donated), "<jit argument reader>", "exec"), namespace)
    return Reader(namespace["read"], source.text(donated))


class _Source:
    """The reader's source, written while walking one call's arguments."""

    def __init__(self, static_argnums):
        self.static = static_argnums
        self.lines = ["def read(args, kwargs):"]
        self.globals = {"ndarray": np.ndarray}
        self.inputs = []  # expressions of the inputs, in order ("a0_1", or "*a2" for a run)
        self.arrays = []  # names of the inputs that are arrays, in order of self.inputs
        self.scalar_inputs = set()  # positions among the inputs of NumPy scalars
        self.count = 0
        self.tests = 0

    def arguments(self, args, kwargs):
        names = [f"a{i}" for i in range(len(args))]
        self._test(f"len(args) == {len(args)}")
        self._unpack(names, "args")
        if kwargs:
            self._test(f"tuple(kwargs) == {self._constant(tuple(kwargs))}")
        else:
            self._test("not kwargs")
        for i, (name, arg) in enumerate(zip(names, args)):
            if i in self.static:
                self._test(f"type({name}) is {self._constant(type(arg))} and "
                           f"{name} == {self._constant(arg)}")
            elif not self._value(name, arg):
                return False
        if kwargs:
            keyword_names = [f"k{i}" for i in range(len(kwargs))]
            self._unpack(keyword_names, "kwargs.values()")
            for name, value in zip(keyword_names, kwargs.values()):
                if not self._value(name, value):
                    return False
        return self.tests <= _MOST_TESTS

    def _value(self, name, value):
        """Test and unpack one argument (a container or a leaf); False where no reader applies."""
        kind = type(value)
        if kind is np.ndarray:
            self._test(f"type({name}) is ndarray and {name}.shape == {value.shape!r} and "
                       f"{name}.dtype is {self._constant(value.dtype)}")
            self.arrays.append(name)
            self.inputs.append(name)
            return True
        if kind in SCALAR_SIGNATURES:
            self._test(f"type({name}) is {self._constant(kind)}")
            self.scalar_inputs.add(len(self.inputs))
            self.inputs.append(name)
            return True
        if kind in _NUMBERS:  # baked into the trace: the same value, to the sign of a zero
            self._test(f"type({name}) is {kind.__name__} and repr({name}) == {repr(value)!r}")
            return True
        if isinstance(value, (tuple, list, dict)):
            return self._container(name, value)
        return False

    def _container(self, name, value):
        kind = type(value)
        self._test(f"type({name}) is {self._constant(kind)} and len({name}) == {len(value)}")
        children = list(value.values()) if isinstance(value, dict) else list(value)
        if isinstance(value, dict):
            self._test(f"tuple({name}) == {self._constant(tuple(value))}")
        scalar = type(children[0]) if children else None
        if len(children) >= _RUN and scalar in SCALAR_SIGNATURES and all(
                type(child) is scalar for child in children):
            # One test for the whole run: set(map(type, x)) runs in C.
            self._test(f"set(map(type, {name})) == {self._constant({scalar})}")
            start = len(self.inputs)
            self.scalar_inputs.update(range(start, start + len(children)))
            self.inputs.append(f"*{name}")
            self.inputs.extend([None] * (len(children) - 1))  # placeholders keep the positions
            return True
        names = [f"{name}_{i}" for i in range(len(children))]
        if names:
            self._unpack(names, f"{name}.values()" if isinstance(value, dict) else name)
        return all(self._value(child_name, child) for child_name, child in zip(names, children))

    def _unpack(self, names, what):
        if names:
            self.lines.append(f"    {', '.join(names)}{',' if len(names) == 1 else ''} = {what}")

    def _test(self, condition):
        self.tests += 1
        self.lines.append(f"    if not ({condition}):\n        return None")

    def _constant(self, value):
        self.count += 1
        name = f"c{self.count}"
        self.globals[name] = value
        return name

    def text(self, donated):
        inputs = [expression for expression in self.inputs if expression is not None]
        lines = [*self.lines, f"    inputs = ({', '.join(inputs)}{',' if inputs else ''})"]
        lines += self._writes(donated)
        kept = [name for position, name in self._positions() if position not in donated]
        lines.append(f"    return inputs, writes, ({', '.join(kept)}{',' if kept else ''})")
        return "\n".join(lines) + "\n"

    def _positions(self):
        """(position among the inputs, name) of every input that is an array."""
        return [(position, name) for position, name in enumerate(self.inputs)
                if name is not None and position not in self.scalar_inputs
                and not name.startswith("*")]

    def _writes(self, donated):
        # The tests of _writable in jitted.py, written out for these inputs.
        if not donated:
            return ["    writes = False"]
        named = dict(self._positions())
        if any(position not in named for position in donated):
            return ["    writes = False"]  # a NumPy scalar cannot be written in place
        given = [named[position] for position in donated]
        others = [name for position, name in named.items() if position not in donated]
        owning = " and ".join(f"{name}.base is None and {name}.flags.writeable"
                              for name in given)
        lines = [f"    writes = {owning}",
                 "    if writes:",
                 f"        given = {{{', '.join(f'id({name})' for name in given)}}}",
                 f"        writes = len(given) == {len(given)}" + "".join(
                     f" and id({name}) not in given and id({name}.base) not in given"
                     for name in others)]
        return lines


__all__ = ["Reader", "SCALAR_SIGNATURES", "reader_for"]
