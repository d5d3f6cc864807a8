"""gradcheck: reverse mode, forward mode and finite differences must agree, to second order.

Public, so that users can check the rules of their own primitives exactly as chainrule checks
its own. The first-order check builds the whole Jacobian three ways; the second-order check
does the same for the gradient (reverse over reverse, forward over reverse) and for the
tangent (reverse over forward, forward over forward), each against its finite differences.
Complex arguments and results are checked through their real and imaginary parts, which tests
the convention of docs/complex.md: a VJP must be the transpose of the JVP under Re(v̄·v̇).
"""

from __future__ import annotations

import warnings

import numpy as np

from chainrule import ops, transforms
from chainrule.primitive import op_hook, value_of
from chainrule.transforms import trees
from chainrule.tensor import tensor


class GradcheckError(AssertionError):
    """Derivatives that disagree; the message names the argument, the entry and the values."""


def gradcheck(f, *args, order=2, eps=1e-6, atol=1e-5, rtol=1e-4, seed=0):
    """Check ``f``'s derivatives w.r.t. every floating argument; True when all agree.

    Reverse mode (vᵀJ for each output entry) and forward mode (J·v for each input entry) are
    compared with central finite differences (f(x + ε) − f(x − ε)) / 2ε, in float64. With
    ``order=2`` the derivatives of both are checked the same way. A rule that is wrong by a
    factor of 1.001 is caught.

    Complex arguments (complex128) are differentiated too: each entry is stepped along its
    real and its imaginary direction, and a complex result is compared through its real and
    imaginary parts. So f is checked as the real function of the real and imaginary parts,
    whose derivatives by chainrule's rules agree with finite differences only when every
    VJP is the transpose of its JVP under Re(v̄·v̇) (docs/complex.md). Error messages then
    name Jacobian entries of that real view, whose last index is 0 (real part) or 1 (imag).

    Args:
        f: a function of the arguments returning a tensor or array, or tuples, lists or dicts
            of them (every floating-point entry is checked; integer and boolean ones, which
            have no derivative, are left out).
        args: the point; floating arrays or numbers are differentiated, the rest held fixed.
            Tuples, lists and dicts of them are checked leaf by leaf.
        order: 1 or 2.
        eps, atol, rtol: the finite-difference step and the tolerances of the comparison.
        seed: for the random directions used at second order.

    Returns:
        True.

    Raises:
        GradcheckError: naming the mode, argument and entry that disagree, with the values;
            when ``f`` ran a ``custom_vjp``/``custom_jvp`` function whose own rule disagrees
            with finite differences at the inputs it was given, the message names that rule
            first.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> cr.gradcheck(lambda x: cr.sin(x) * x, np.array([0.3, 1.2]))
        True
        >>> cr.gradcheck(lambda z: cr.abs(z) * cr.exp(z), np.array([0.3 + 1j, -1.2j]))
        True
    """
    if order not in (1, 2):
        raise ValueError(f"gradcheck order must be 1 or 2, got {order}")
    given = f
    f, args = _on_leaves(f, args)
    point, wrt, complex_args = _prepare(args)
    f = _real_view(f, complex_args)
    try:
        _check(f, point, wrt, order, eps, atol, rtol, seed)
    except GradcheckError as error:
        culprit = _custom_rule_at_fault(f, point, order, eps, atol, rtol, seed)
        if culprit is None:
            raise
        rule, wrong = culprit
        if rule == getattr(given, "rule_name", None):  # f is the custom function itself
            raise GradcheckError(f"{rule} is wrong: {error}") from None
        raise GradcheckError(
            f"{rule} disagrees with finite differences at the inputs "
            f"{getattr(given, '__name__', 'f')} gave it ({wrong}); so {error}") from None
    return True


def _check(f, point, wrt, order, eps, atol, rtol, seed):
    _check_first_order(f, point, wrt, eps, atol, rtol, "")
    if order == 2:
        rng = np.random.default_rng(seed)
        out = np.asarray(transforms.lower(_evaluate(f, point)))
        cotangent = rng.standard_normal(out.shape)
        directions = [rng.standard_normal(np.shape(point[i])) for i in wrt]
        for k in wrt:
            _check_first_order(_gradient_of(f, point, wrt, k, cotangent), point, wrt, eps, atol,
                               rtol, f"the gradient w.r.t. argument {k} (reverse mode) of ")
        _check_first_order(_tangent_of(f, point, wrt, directions), point, wrt, eps, atol, rtol,
                           "the tangent (forward mode) of ")


def _on_leaves(f, args):
    """``f`` as a function of its arguments' leaves returning one flat float vector, when its
    arguments or its result are containers (tuples, lists, dicts) or its result is not float:
    every leaf is then checked, and no argument is skipped. As given otherwise."""
    flat = [trees.flatten(a, f"argument {i}") for i, a in enumerate(args)]
    if all(structure is trees.LEAF for _, structure, _ in flat):
        return _with_float_result(f), args
    counts = [len(leaves) for leaves, _, _ in flat]

    def on_leaves(*leaves):
        rebuilt, start = [], 0
        for (_, structure, _), count in zip(flat, counts):
            rebuilt.append(trees.unflatten(structure, leaves[start:start + count]))
            start += count
        return _float_vector(f(*rebuilt))

    return on_leaves, [leaf for leaves, _, _ in flat for leaf in leaves]


def _with_float_result(f):
    def checked(*args):
        out = f(*args)
        if trees.is_leaf_value(out) and np.asarray(getattr(out, "_data", out)).dtype.kind in "fc":
            return out
        return _float_vector(out)

    return checked


def _float_vector(out):
    # The floating-point leaves of a result, raveled and joined; integer and boolean results
    # (counts, comparisons, np.all) have no derivative to check and are left out.
    leaves, _, _ = trees.flatten(out, "the result")
    floats = [ops.ravel(leaf) for leaf in leaves
              if np.asarray(getattr(leaf, "_data", leaf)).dtype.kind in "fc"]
    return ops.concatenate(floats) if floats else np.zeros(0)


def _custom_rule_at_fault(f, point, order, eps, atol, rtol, seed):
    """Which custom rule (``custom_vjp``/``custom_jvp``) that ``f`` ran is wrong on its own, at
    the inputs ``f`` gave it: ``(its name, the error)``; None when each is right or none ran."""
    calls = []

    def seen(prim, args, params, result):
        if getattr(prim, "custom_rule", None) is not None and prim not in [c[0] for c in calls]:
            calls.append((prim, [np.array(value_of(a)) for a in args], params))

    with op_hook(seen):
        _evaluate(f, point)
    for prim, leaves, params in calls:
        inner_point, inner_wrt, inner_complex = _prepare(leaves, quiet=True)
        if not inner_wrt:
            continue
        try:
            _check(_real_view(lambda *xs, prim=prim, params=params: prim(*xs, **params),
                              inner_complex), inner_point, inner_wrt, order, eps, atol, rtol, seed)
        except GradcheckError as error:
            return prim.custom_rule, error
    return None


def _prepare(args, quiet=False):
    point, wrt, complex_args = [], [], []
    for i, a in enumerate(args):
        data = np.asarray(getattr(a, "_data", a))
        if data.dtype.kind in "fc":
            wide = np.complex128 if data.dtype.kind == "c" else np.float64
            if data.dtype != wide and not quiet:
                warnings.warn(
                    f"gradcheck: argument {i} is {data.dtype}; finite differences need "
                    f"{np.dtype(wide)}, so it is checked in {np.dtype(wide)}", stacklevel=3,
                )
            data = data.astype(wide)
            if data.dtype.kind == "c":
                data = np.stack([data.real, data.imag], axis=-1)
                complex_args.append(i)
            point.append(data)
            wrt.append(i)
        else:
            point.append(a)
    if not wrt and not quiet:
        raise ValueError("gradcheck needs at least one floating-point argument to differentiate")
    return point, wrt, complex_args


def as_real_function(f, *args):
    """``f`` as gradcheck sees it: ``(real_f, point)``, where ``point`` holds the arguments
    with each complex one as a real array of shape (..., 2) (its real and imaginary parts) and
    floating ones in float64, and ``real_f(*point)`` returns f's result with a complex one
    split the same way. The derivatives of ``real_f`` are those of f as a map of real numbers.

    Example:
        >>> import numpy as np
        >>> import chainrule as cr
        >>> from chainrule.testing import as_real_function
        >>> real_f, point = as_real_function(lambda z: z * 1j, np.array([2.0 + 1.0j]))
        >>> point[0], real_f(*point)
        (array([[2., 1.]]), array([[-1.,  2.]]))
    """
    point, _, complex_args = _prepare(args)
    return _real_view(f, complex_args), point


def _real_view(f, complex_args):
    # f of real arrays (..., 2) holding the real and imaginary parts of its complex arguments,
    # returning the real and imaginary parts of a complex result the same way.
    def real_f(*args):
        args = [_complex_of(a) if i in complex_args else a for i, a in enumerate(args)]
        out = f(*args)
        if getattr(out, "dtype", None) is None or out.dtype.kind != "c":
            return out
        return ops.stack([ops.real(out), ops.imag(out)], axis=-1)

    return real_f


def _complex_of(parts):
    return parts[..., 0] + parts[..., 1] * 1j


def _evaluate(f, point):
    return f(*[_as_tensor(p) for p in point])


def _as_tensor(p):
    return tensor(p) if isinstance(p, np.ndarray) else p


def _gradient_of(f, point, wrt, k, cotangent):
    def gradient(*args):
        _, vjp_fn = transforms.vjp(lambda *xs: f(*_merge(args, wrt, xs)), *[args[i] for i in wrt])
        return vjp_fn(cotangent)[wrt.index(k)]

    return gradient


def _tangent_of(f, point, wrt, directions):
    def tangent(*args):
        return transforms.jvp(lambda *xs: f(*_merge(args, wrt, xs)), [args[i] for i in wrt],
                              directions)[1]

    return tangent


def _merge(args, wrt, chosen):
    full = list(args)
    for i, value in zip(wrt, chosen):
        full[i] = value
    return full


def _check_first_order(f, point, wrt, eps, atol, rtol, what):
    for i in wrt:
        def along(x, i=i):
            return lambda value: f(*_merge(point, [i], [value]))

        fi = along(point[i])
        x = point[i]
        numeric = _numeric_jacobian(fi, x, eps)
        rev = transforms.jacobian(fi, mode="reverse")(x)
        fwd = transforms.jacobian(fi, mode="forward")(x)
        for name, found in (("reverse mode", rev), ("forward mode", fwd)):
            _compare(found, numeric, atol, rtol, f"{name} for {what}f w.r.t. argument {i}",
                     "finite differences")
        _compare(rev, fwd, atol, rtol, f"reverse mode for {what}f w.r.t. argument {i}",
                 "forward mode")


def _numeric_jacobian(f, x, eps):
    out = np.asarray(transforms.lower(f(_as_tensor(x))), dtype=np.float64)
    jac = np.zeros(out.shape + x.shape)
    flat_x = x.reshape(-1)
    columns = jac.reshape(out.size, x.size)
    for j in range(x.size):
        step = np.zeros(x.size)
        step[j] = eps
        plus = np.asarray(transforms.lower(f(_as_tensor((flat_x + step).reshape(x.shape)))))
        minus = np.asarray(transforms.lower(f(_as_tensor((flat_x - step).reshape(x.shape)))))
        columns[:, j] = ((plus - minus) / (2 * eps)).reshape(-1)
    return jac


def _compare(found, expected, atol, rtol, name, reference):
    found = np.asarray(found, dtype=np.float64)
    if found.shape != expected.shape:
        raise GradcheckError(
            f"{name}: the Jacobian has shape {found.shape}, expected {expected.shape}"
        )
    bad = ~np.isclose(found, expected, atol=atol, rtol=rtol, equal_nan=True)
    if bad.any():
        where = np.unravel_index(int(np.argmax(bad)), bad.shape)
        raise GradcheckError(
            f"{name} disagrees with {reference} at Jacobian entry {tuple(int(w) for w in where)} "
            f"(output entry, input entry): {found[where]:.10g} vs {expected[where]:.10g} "
            f"({int(bad.sum())} of {bad.size} entries differ; atol={atol}, rtol={rtol})"
        )
