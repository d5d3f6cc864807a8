"""Contractions: matmul, einsum and trace, and dot, vdot, inner, outer, tensordot built on them.

matmul (bilinear) and einsum (multilinear) are the primitives; the relatives are exact
compositions of them with reshapes and transposes, so they need no rules of their own.
"""

from __future__ import annotations

import math
import string
from collections import Counter

import numpy as np

from chainrule.backends import constant_like
from chainrule.ops import shape
from chainrule.ops.elementwise import arithmetic, complex_parts
from chainrule.ops.joining import Variadic
from chainrule.primitive import bilinear, linear
from chainrule.tensor import value_of


def _matmul(x, y):
    try:
        return np.matmul(x, y)
    except ValueError:
        raise ValueError(_not_aligned("matmul", np.shape(x), np.shape(y))) from None


def _not_aligned(op, x_shape, y_shape):
    if not x_shape or not y_shape:
        return (f"{op}: shapes {x_shape} and {y_shape}: a 0-d operand has no axis to contract; "
                "use multiply (*) to scale by a number")
    rows = y_shape[-2] if len(y_shape) > 1 else y_shape[0]
    if x_shape[-1] != rows:
        return (f"{op}: shapes {x_shape} and {y_shape} are not aligned: x's last axis has "
                f"{x_shape[-1]} entries but y's {'second-to-last' if len(y_shape) > 1 else 'only'}"
                f" axis has {rows}")
    return (f"{op}: shapes {x_shape} and {y_shape}: the batch axes {x_shape[:-2]} and "
            f"{y_shape[:-2]} do not broadcast together")


def _product(a, b):
    # An adjoint's product: NumPy's for two arrays, the op for tensors of a recorded sweep,
    # symbols and batches.
    if type(a) is np.ndarray and type(b) is np.ndarray:
        return np.matmul(a, b)
    return matmul(a, b)


def _column(v):
    return shape.expand_dims(v, -1)


def _row(v):
    return shape.expand_dims(v, -2)


# Both adjoints first take the case of a plain backward pass through a product of matrices
# (every layer of a network, each step): NumPy arrays, handed to NumPy directly.


def _matmul_adjoint_x(grad_out, x, y):
    if type(grad_out) is np.ndarray and type(y) is np.ndarray and y.ndim == 2 and x.ndim == 2:
        return np.matmul(grad_out, y.mT)
    # A 1-d operand is a row (x) or a column (y) whose added axis is dropped from the output.
    if y.ndim == 1:
        return (grad_out if x.ndim == 1 else _column(grad_out)) * y
    if x.ndim == 1:
        # Against one matrix the vector product needs no added axis (one op, not three).
        if y.ndim == 2:
            return _product(grad_out, y.mT)
        return shape.squeeze(matmul(_row(grad_out), y.mT), -2)
    return _product(grad_out, y.mT)


def _matmul_adjoint_y(grad_out, x, y):
    if type(grad_out) is np.ndarray and type(x) is np.ndarray and x.ndim == 2 and y.ndim == 2:
        if _is_transposed_matrix(y):
            return np.matmul(grad_out.mT, x).mT  # laid out as below
        return np.matmul(x.mT, grad_out)
    if x.ndim == 1:
        return x * grad_out if y.ndim == 1 else _column(x) * _row(grad_out)
    if y.ndim == 1:
        if x.ndim == 2:
            return _product(grad_out, x)
        return shape.squeeze(matmul(_row(grad_out), x), -2)
    if _is_transposed_matrix(y):
        # y is a transposed view (Linear's weight.T): (grad_outᵀ x)ᵀ is the same product, laid
        # out so that the gradient reaching the weight is in the weight's own C order, and the
        # optimizer's update needs no transposing copy.
        return _product(grad_out.mT, x).mT
    return _product(x.mT, grad_out)


def _is_transposed_matrix(y):
    # Under a trace (fit's jitted step) y is a tensor: its array's layout decides the same way, so
    # the replayed program hands the optimizer C-ordered weight gradients too. Either branch is
    # the same product, so a layout that differs at replay costs a copy, never a wrong number.
    y = y if type(y) is np.ndarray else value_of(y)
    if type(y) is not np.ndarray or y.ndim != 2:
        return False
    layout = y.flags  # a new object on every read
    return layout.f_contiguous and not layout.c_contiguous


matmul = bilinear(
    "matmul", _matmul, _matmul_adjoint_x, _matmul_adjoint_y,
    doc="""x @ y, as ``numpy.matmul``: 1-d operands are promoted, batch axes broadcast.

    Raises:
        ValueError: for a 0-d operand, or shapes that do not align (naming both shapes).

    Example:
        >>> import chainrule as cr
        >>> cr.matmul(cr.tensor([[1.0, 2.0], [3.0, 4.0]]), cr.tensor([1.0, 1.0]))
        tensor([3., 7.])
    """,
)


def dot(x, y):
    """The dot product as ``numpy.dot``: a product for 0-d, else Σ over x's last, y's 2nd-last axis.

    Raises:
        ValueError: when the contracted axes differ in length (naming both shapes).

    Example:
        >>> import chainrule as cr
        >>> cr.dot(cr.tensor([1.0, 2.0]), cr.tensor([3.0, 4.0]))
        tensor(11.)
    """
    x_shape, y_shape = shape.shape_of(x), shape.shape_of(y)
    if not x_shape or not y_shape:
        return arithmetic.multiply(x, y)
    if x_shape[-1] != (y_shape[-2] if len(y_shape) > 1 else y_shape[0]):
        raise ValueError(_not_aligned("dot", x_shape, y_shape))
    if len(y_shape) <= 2 or len(x_shape) == 1:  # where numpy.dot and matmul agree
        return matmul(x, y)
    return tensordot(x, y, axes=([-1], [-2]))


def vdot(x, y):
    """Σᵢ x̄ᵢ·yᵢ over the flattened arrays, as ``numpy.vdot`` (x is conjugated when complex).

    Raises:
        ValueError: when the sizes differ.

    Example:
        >>> import chainrule as cr
        >>> cr.vdot(cr.tensor([[1.0, 2.0], [3.0, 4.0]]), cr.tensor([[1.0, 0.0], [0.0, 1.0]]))
        tensor(5.)
    """
    if complex_parts.is_complex(x):
        x = complex_parts.conj(x)
    x_shape, y_shape = shape.shape_of(x), shape.shape_of(y)
    if math.prod(x_shape) != math.prod(y_shape):
        raise ValueError(f"vdot: shapes {x_shape} and {y_shape} hold different numbers of values")
    return matmul(shape.ravel(x), shape.ravel(y))


def inner(x, y):
    """Σ over the last axes of x and y, as ``numpy.inner`` (a product when either is 0-d).

    Example:
        >>> import chainrule as cr
        >>> cr.inner(cr.tensor([[1.0, 2.0], [3.0, 4.0]]), cr.tensor([1.0, -1.0]))
        tensor([-1., -1.])
    """
    x_shape, y_shape = shape.shape_of(x), shape.shape_of(y)
    if not x_shape or not y_shape:
        return arithmetic.multiply(x, y)
    if x_shape[-1] != y_shape[-1]:
        raise ValueError(f"inner: shapes {x_shape} and {y_shape}: the last axes differ in length")
    if len(y_shape) == 1:
        return matmul(x, y)
    return tensordot(x, y, axes=([-1], [-1]))


def outer(x, y):
    """The outer product xᵢ·yⱼ of the flattened x and y, as ``numpy.outer``.

    Example:
        >>> import chainrule as cr
        >>> cr.outer(cr.tensor([1.0, 2.0]), cr.tensor([3.0, 4.0]))
        tensor([[3., 4.],
                [6., 8.]])
    """
    return arithmetic.multiply(shape.reshape(x, (-1, 1)), shape.reshape(y, (1, -1)))


def _tensordot_axes(axes, x_ndim, y_ndim):
    if isinstance(axes, (int, np.integer)):
        if not 0 <= axes <= min(x_ndim, y_ndim):
            raise ValueError(f"tensordot: axes={axes} needs 0 <= axes <= {min(x_ndim, y_ndim)}, "
                             "the smaller number of dimensions")
        return tuple(range(x_ndim - axes, x_ndim)), tuple(range(axes))
    try:
        x_axes, y_axes = axes
    except (TypeError, ValueError):
        raise ValueError(
            f"tensordot: axes must be an int or a pair of axis lists, got {axes!r}"
        ) from None
    return (shape.normalize_axis_tuple(x_axes, x_ndim, "tensordot"),
            shape.normalize_axis_tuple(y_axes, y_ndim, "tensordot"))


def tensordot(x, y, axes=2):
    """Σ over the paired axes of x and y, as ``numpy.tensordot`` (a reshaped matmul).

    Args:
        axes: N (x's last N axes with y's first N) or a pair (x_axes, y_axes).

    Raises:
        ValueError: when paired axes differ in length (naming both shapes).

    Example:
        >>> import chainrule as cr
        >>> cr.tensordot(cr.tensor([[1.0, 2.0], [3.0, 4.0]]), cr.tensor([[1.0, 0.0], [0.0, 1.0]]))
        tensor(5.)
    """
    x_shape, y_shape = shape.shape_of(x), shape.shape_of(y)
    x_axes, y_axes = _tensordot_axes(axes, len(x_shape), len(y_shape))
    if [x_shape[a] for a in x_axes] != [y_shape[a] for a in y_axes]:
        raise ValueError(f"tensordot: shapes {x_shape} and {y_shape} differ along the summed "
                         f"axes {tuple(x_axes)} and {tuple(y_axes)}")
    x_free = [a for a in range(len(x_shape)) if a not in x_axes]
    y_free = [a for a in range(len(y_shape)) if a not in y_axes]
    x_kept, y_kept = [x_shape[a] for a in x_free], [y_shape[a] for a in y_free]
    summed = math.prod(x_shape[a] for a in x_axes)
    x_matrix = shape.reshape(_permuted(x, x_free + list(x_axes)), (math.prod(x_kept), summed))
    y_matrix = shape.reshape(_permuted(y, list(y_axes) + y_free), (summed, math.prod(y_kept)))
    return shape.reshape(matmul(x_matrix, y_matrix), tuple(x_kept + y_kept))


def _permuted(x, order):
    return x if order == sorted(order) else shape.transpose(x, order)


def _trace_adjoint(grad_out, x, offset, axis1, axis2):
    diagonal = constant_like(
        np.eye(x.shape[axis1], x.shape[axis2], k=offset, dtype=grad_out.dtype), grad_out)
    spread = shape.expand_dims(grad_out, (-2, -1)) * diagonal
    return shape.moveaxis(spread, (-2, -1), (axis1, axis2))


_trace_op = linear(
    "trace", lambda x, offset, axis1, axis2: np.trace(x, offset, axis1, axis2), _trace_adjoint,
)


def trace(x, offset=0, axis1=0, axis2=1):
    """Σᵢ x[i, i + offset] over the plane (axis1, axis2), as ``numpy.trace``; d tr(A)/dA = I.

    Example:
        >>> import chainrule as cr
        >>> cr.trace(cr.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor(5.)
    """
    ndim = len(shape.shape_of(x))
    if ndim < 2:
        raise ValueError(f"trace needs at least 2 dimensions, got shape {shape.shape_of(x)}")
    axis1 = shape.normalize_axis(axis1, ndim, "trace")
    axis2 = shape.normalize_axis(axis2, ndim, "trace")
    if axis1 == axis2:
        raise ValueError(f"trace: axis1 and axis2 must differ, both are {axis1}")
    return _trace_op(x, offset=int(offset), axis1=axis1, axis2=axis2)


# --- einsum -------------------------------------------------------------------------------------


def _einsum(*operands, subscripts):
    try:
        return np.einsum(subscripts, *operands, optimize=len(operands) > 1)
    except ValueError as exc:
        shapes = ", ".join(str(np.shape(op)) for op in operands)
        raise ValueError(f"einsum('{subscripts}') with shapes {shapes}: {exc}") from None


def _einsum_vjp(i, grad_out, out, *operands, subscripts):
    # Operand i's gradient is grad_out contracted with the other operands, back to i's indices.
    # An index only i has (summed away) gets a ones vector; a repeated index (a diagonal read)
    # gets a fresh letter tied to it by an identity matrix, so only the diagonal is written.
    inputs, output = subscripts.split("->")
    inputs = inputs.split(",")
    target = inputs[i]
    others = [spec for j, spec in enumerate(inputs) if j != i]
    known = set(output).union(*others)
    spare = (c for c in string.ascii_letters if c not in subscripts)
    letters, specs, constants = [], [], []
    for position, letter in enumerate(target):
        size, dtype = operands[i].shape[position], grad_out.dtype
        if letter in target[:position]:
            fresh = next(spare)
            letters.append(fresh)
            specs.append(letter + fresh)
            constants.append(constant_like(np.eye(size, dtype=dtype), grad_out))
            continue
        letters.append(letter)
        if letter not in known and target.count(letter) == 1:
            specs.append(letter)
            constants.append(constant_like(np.ones(size, dtype=dtype), grad_out))
    rest = [op for j, op in enumerate(operands) if j != i]
    spec = ",".join([output, *others, *specs]) + "->" + "".join(letters)
    return _einsum_op(grad_out, *rest, *constants, subscripts=spec)


def _einsum_jvp(i, x_dot, out, *operands, subscripts):
    return _einsum_op(*operands[:i], x_dot, *operands[i + 1:], subscripts=subscripts)


_einsum_op = Variadic(
    "einsum", _einsum, _einsum_vjp, _einsum_jvp, supports_complex=True,
)


def _explicit(subscripts, shapes):
    """``subscripts`` with '...' spelled out in letters and the output always written."""
    spec = subscripts.replace(" ", "")
    inputs, arrow, output = spec.partition("->")
    inputs = inputs.split(",")
    if len(inputs) != len(shapes):
        raise ValueError(f"einsum('{subscripts}') names {len(inputs)} operand(s) but "
                         f"{len(shapes)} were given")
    if set(spec) - set(string.ascii_letters + ",->."):
        raise ValueError(f"einsum('{subscripts}'): indices must be letters a-z, A-Z")
    pairs = list(zip(inputs, shapes, strict=True))
    extra = max([0] + [len(s) - len(p) + 3 for p, s in pairs if "..." in p])
    broadcast = "".join([c for c in string.ascii_letters if c not in spec][:extra])
    inputs = [_spelled_out(p, s, broadcast, subscripts) for p, s in pairs]
    if not arrow:  # NumPy's implicit output: '...' then the indices seen once, sorted
        counts = Counter("".join(inputs))
        output = "..." + "".join(sorted(c for c in counts if counts[c] == 1 and c not in broadcast))
    if broadcast and "..." not in output:
        raise ValueError(f"einsum('{subscripts}'): the output needs '...' for the broadcast axes")
    output = output.replace("...", broadcast)
    for letter in output:
        if output.count(letter) > 1 or letter not in "".join(inputs):
            raise ValueError(f"einsum('{subscripts}'): output index '{letter}' must appear once "
                             "in the output and in some operand")
    return ",".join(inputs) + "->" + output


def _spelled_out(part, part_shape, broadcast, subscripts):
    # '...' stands for the trailing broadcast axes this operand has (broadcasting aligns right).
    if "..." in part:
        count = len(part_shape) - len(part) + 3
        part = part.replace("...", broadcast[len(broadcast) - count:] if count > 0 else "")
    if "." in part or len(part) != len(part_shape):
        raise ValueError(f"einsum('{subscripts}'): an operand of shape {part_shape} has "
                         f"{len(part_shape)} axes, which its indices do not match")
    return part


# Sublist labels 0–25 are A–Z and 26–51 are a–z, as in NumPy: the implicit output, sorted by
# letter, is then sorted by label.
_SUBLIST_LETTERS = string.ascii_uppercase + string.ascii_lowercase


def _sublist_letters(sublist):
    letters = []
    for label in sublist:
        if label is Ellipsis:
            letters.append("...")
        elif isinstance(label, (int, np.integer)) and 0 <= label < len(_SUBLIST_LETTERS):
            letters.append(_SUBLIST_LETTERS[label])
        else:
            raise ValueError(f"einsum: a sublist label must be an int in [0, 52) or Ellipsis, "
                             f"got {label!r}")
    return "".join(letters)


def _from_sublists(arguments):
    """(subscripts, operands) for einsum(op0, sublist0, op1, sublist1, ..., [sublist_out])."""
    with_output = len(arguments) % 2 == 1
    pairs = arguments[:-1] if with_output else arguments
    inputs = ",".join(_sublist_letters(sublist) for sublist in pairs[1::2])
    if not with_output:
        return inputs, pairs[0::2]
    return inputs + "->" + _sublist_letters(arguments[-1]), pairs[0::2]


def einsum(subscripts, *operands):
    """Einstein summation, as ``numpy.einsum``: repeated indices, traces and '...' included.

    The gradient of each operand is again an einsum: grad_out with the other operands.

    The sublist form ``einsum(a, [0, 1], b, [1, 2], [0, 2])`` names axes by integers 0–51
    (and Ellipsis) instead of letters, as NumPy's, with an optional output sublist last.

    Raises:
        ValueError: subscripts that do not match the operands (naming the shapes), or sublist
            labels outside 0–51.

    Example:
        >>> import chainrule as cr
        >>> cr.einsum("ij,j->i", cr.tensor([[1.0, 2.0], [3.0, 4.0]]), cr.tensor([1.0, 1.0]))
        tensor([3., 7.])
        >>> cr.einsum(cr.tensor([[1.0, 2.0], [3.0, 4.0]]), [0, 1], [1, 0])
        tensor([[1., 3.],
                [2., 4.]])
    """
    if not isinstance(subscripts, str):
        subscripts, operands = _from_sublists((subscripts, *operands))
    shapes = [shape.shape_of(op) for op in operands]
    return _einsum_op(*operands, subscripts=_explicit(subscripts, shapes))


__all__ = ["dot", "einsum", "inner", "matmul", "outer", "tensordot", "trace", "vdot"]
