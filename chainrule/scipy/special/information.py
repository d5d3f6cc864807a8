"""x·log y and the entropies built on it: xlogy, xlog1py, entr, rel_entr and kl_div, with SciPy's
conventions at 0 (0·log 0 = 0) and outside their domains (±inf).

Derivative conventions: where x = 0 the x-derivative is written as xlogy(seed, ·), so a zero seed
gives 0 (never 0·inf) and a nonzero one the one-sided slope, −inf or +inf. Where a function is
a constant ±inf outside its domain, its derivative there is 0.
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import asarray, is_lazy
from scipy import special as scipy_special

from chainrule.ops.elementwise import comparison, piecewise
from chainrule.primitive import primitive


def _x_over(x, y, pole):
    # ∂(x·log(y + c))/∂y = x/(y + c), taken as 0 at x = 0 also at the pole y + c = 0, where
    # x·log(y + c) is 0 by convention (x/0 would be 0/0).
    at_pole = comparison.logical_and(comparison.equal(x, 0), comparison.equal(pole, 0))
    return x / piecewise.where(at_pole, 1, pole)


def _xlogy_in_x(seed, out, x, y):
    # log y applied to the seed as xlogy(seed, y): at y = 0 a zero seed gives 0, not 0·(−inf).
    return xlogy(seed, y)


def _xlog1py_in_x(seed, out, x, y):
    return xlog1py(seed, y)


def _xlogy_in_y(seed, out, x, y):
    return seed * _x_over(x, y, y)


def _xlog1py_in_y(seed, out, x, y):
    return seed * _x_over(x, y, 1 + y)


xlogy = primitive(
    "xlogy", scipy_special.xlogy, vjp=(_xlogy_in_x, _xlogy_in_y), jvp=(_xlogy_in_x, _xlogy_in_y),
    symbolic="x*log(y)",
    doc="""x·log(y), and 0 where x = 0 (even at y = 0), as ``scipy.special.xlogy``.

    Derivatives: ∂/∂x = log y (−inf at y = 0, where a zero gradient still gives 0) and
    ∂/∂y = x/y, which is 0 at x = y = 0, following SciPy's 0·log 0 = 0.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> x = cr.tensor([0.0, 2.0], requires_grad=True)
        >>> y = cr.tensor([0.0, 3.0], requires_grad=True)
        >>> special.xlogy(x, y).sum().backward()
        >>> special.xlogy(x, y).detach(), y.grad
        (tensor([0.        , 2.19722458]), tensor([0.        , 0.66666667]))
    """,
)

xlog1py = primitive(
    "xlog1py", scipy_special.xlog1py,
    vjp=(_xlog1py_in_x, _xlog1py_in_y), jvp=(_xlog1py_in_x, _xlog1py_in_y),
    symbolic="x*log(1 + y)",
    doc="""x·log(1 + y), accurate for small y, and 0 where x = 0, as ``scipy.special.xlog1py``.

    Derivatives: ∂/∂x = log(1 + y), ∂/∂y = x/(1 + y) (0 at x = 0, y = −1), as :func:`xlogy`.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.xlog1py(cr.tensor([2.0, 0.0]), cr.tensor([1e-10, -1.0]))
        tensor([2.e-10, 0.e+00])
    """,
)


def _on_domain(x, y, rule):
    # rule(x, y) where x ≥ 0, y > 0 (and at x = y = 0); elsewhere the value is the constant inf
    # and the derivative 0. The rule sees safe values (1) outside, so nothing there warns.
    positive_y = comparison.greater(y, 0)
    inside = comparison.logical_or(
        comparison.logical_and(comparison.greater(x, 0), positive_y),
        comparison.logical_and(comparison.equal(x, 0), comparison.greater_equal(y, 0)),
    )
    safe_x = piecewise.where(inside, x, 1)
    safe_y = piecewise.where(comparison.logical_and(inside, positive_y), y, 1)
    return piecewise.where(inside, rule(safe_x, safe_y), 0)


# The first derivatives of entr, rel_entr and kl_div are each one primitive, the seed times the
# local derivative, computed in one NumPy pass: for speed (as a composite of a dozen elementwise
# ops, a pass and a temporary each, with SciPy's xlogy for the log, they cost 2.3–2.9× SciPy's
# forward plus the hand-written rule). The conventions are the composite's: a zero seed gives 0
# where the slope is infinite (x = 0), and the derivative is 0 where the function is the
# constant ±inf. Their own rules (the second order) are composites. ``wrt`` (0: x, 1: y) is an
# input without a derivative.


def _seed_times_log(seed, x):
    # xlogy(seed, x) (0 for a zero seed, also at x = 0 and inf): in float64 with NumPy's log,
    # several times faster than SciPy's xlogy; other dtypes through SciPy's (its float32 log)
    if np.result_type(seed, x) != np.float64:
        return scipy_special.xlogy(seed, x)
    contribution = seed * np.log(x.astype(np.float64, copy=False))
    zero_seed = seed == 0
    if is_lazy(contribution):  # no in-place write, and no test that would compute it
        return np.where(zero_seed & ~np.isnan(x), 0, contribution)
    if zero_seed.any():
        np.copyto(contribution, 0, where=zero_seed & ~np.isnan(x))
    return contribution


def _zero_where(contribution, shape, outside):
    # the contribution in the full broadcast shape, 0 where ``outside`` (None: nowhere)
    if is_lazy(contribution):
        contribution = np.broadcast_to(contribution, shape)
        return contribution if outside is None else np.where(outside, 0, contribution)
    if contribution.shape != shape:
        contribution = np.array(np.broadcast_to(contribution, shape))
    if outside is not None and outside.any():
        np.copyto(contribution, 0, where=outside)
    return contribution[()]


def _outside_domain(x, y):
    # where x < 0, y < 0, or x > 0 at y = 0 (or a NaN): None when nowhere, the common case,
    # found with two passes instead of six
    if not (is_lazy(x) or is_lazy(y)) and (x > 0).all() and (y > 0).all():
        return None
    return ~(((x > 0) & (y > 0)) | ((x == 0) & (y >= 0)))


def _divergence_contribution(function):
    def forward(wrt, seed, x, y):
        seed, x, y = asarray(seed), asarray(x), asarray(y)
        shape = np.broadcast_shapes(seed.shape, x.shape, y.shape)
        with np.errstate(all="ignore"):
            outside = _outside_domain(x, y)
            # x/y, 0 at x = 0 (also at y = 0, as the composite's safe x/safe y)
            ratio = asarray(x / y)
            if outside is not None and (is_lazy(x) or (x == 0).any()):
                ratio = np.where(x == 0, 0, ratio)
            if int(wrt) == 0:  # kl_div: seed·log(x/y); rel_entr: seed·log(x/y) + seed
                contribution = _seed_times_log(seed, ratio)
                if function == "rel_entr":
                    contribution += seed
            elif function == "kl_div":  # seed·(1 − x/y)
                contribution = seed * (1 - ratio)
            else:  # rel_entr: −seed·x/y
                contribution = -seed * ratio
        return _zero_where(asarray(contribution), shape, outside)

    return forward


def _divergence_derivative(function):
    def in_seed(grad_out, out, wrt, seed, x, y):
        # linear in the seed and elementwise: its own adjoint and tangent map
        return contribution_op(wrt, grad_out, x, y)

    def in_x(grad_out, out, wrt, seed, x, y):
        # the x-part's x-slope is seed/x (0 at seed = x = 0); the y-part's −seed/y
        if int(wrt) == 0:
            return _on_domain(x, y, lambda x, y: grad_out * _x_over(seed, x, x))
        return _on_domain(x, y, lambda x, y: -(grad_out * seed) / y)

    def in_y(grad_out, out, wrt, seed, x, y):
        # the x-part's y-slope is −seed/y; the y-part's seed·x/y²
        if int(wrt) == 0:
            return _on_domain(x, y, lambda x, y: -(grad_out * seed) / y)
        return _on_domain(x, y, lambda x, y: grad_out * seed * x / (y * y))

    rules = (None, in_seed, in_x, in_y)
    contribution_op = primitive(f"{function}_derivative", _divergence_contribution(function),
                                vjp=rules, jvp=rules, inputs=("wrt", "seed", "x", "y"))
    return contribution_op


_rel_entr_derivative = _divergence_derivative("rel_entr")
_kl_div_derivative = _divergence_derivative("kl_div")


def _rel_entr_in_x(seed, out, x, y):
    return _rel_entr_derivative(0, seed, x, y)


def _rel_entr_in_y(seed, out, x, y):
    return _rel_entr_derivative(1, seed, x, y)


rel_entr = primitive(
    "rel_entr", scipy_special.rel_entr,
    vjp=(_rel_entr_in_x, _rel_entr_in_y), jvp=(_rel_entr_in_x, _rel_entr_in_y),
    symbolic="x*log(x/y)",
    doc="""x·log(x/y) for x, y > 0; 0 for x = 0, y ≥ 0; inf otherwise, as
    ``scipy.special.rel_entr``.

    Derivatives: ∂/∂x = log(x/y) + 1 (−inf at x = 0: the one-sided slope), ∂/∂y = −x/y, and 0
    where the value is inf.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.rel_entr(cr.tensor([0.5, 0.0, -1.0]), cr.tensor([0.25, 1.0, 1.0]))
        tensor([0.34657359, 0.        ,        inf])
    """,
)


def _kl_div_in_x(seed, out, x, y):
    return _kl_div_derivative(0, seed, x, y)


def _kl_div_in_y(seed, out, x, y):
    return _kl_div_derivative(1, seed, x, y)


kl_div = primitive(
    "kl_div", scipy_special.kl_div,
    vjp=(_kl_div_in_x, _kl_div_in_y), jvp=(_kl_div_in_x, _kl_div_in_y),
    symbolic="x*log(x/y) - x + y",
    doc="""x·log(x/y) − x + y for x, y > 0; y for x = 0, y ≥ 0; inf otherwise, as
    ``scipy.special.kl_div``.

    Derivatives: ∂/∂x = log(x/y) (−inf at x = 0), ∂/∂y = 1 − x/y, and 0 where the value is inf.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.kl_div(cr.tensor([0.5, 0.0]), cr.tensor([0.25, 2.0]))
        tensor([0.09657359, 2.        ])
    """,
)


def _entr_contribution(seed, x):
    # −(xlogy(seed, x) + seed) for x ≥ 0 (the slope +inf at 0, where a zero seed still gives 0),
    # 0 for x < 0 where entr is the constant −inf: one NumPy pass, as the divergences' above.
    seed, x = asarray(seed), asarray(x)
    with np.errstate(all="ignore"):
        contribution = asarray(_seed_times_log(seed, x) + seed)
        np.negative(contribution, out=contribution)
    return _zero_where(contribution, np.broadcast_shapes(seed.shape, x.shape), x < 0)


def _entr_derivative_in_seed(grad_out, out, seed, x):
    return _entr_derivative(grad_out, x)


def _entr_derivative_in_x(grad_out, out, seed, x):
    # −seed/x (0 at seed = x = 0), and 0 for x < 0
    negative = comparison.less(x, 0)
    safe_x = piecewise.where(negative, 1, x)
    return piecewise.where(negative, 0, -(grad_out * _x_over(seed, safe_x, safe_x)))


_entr_derivative = primitive(
    "entr_derivative", _entr_contribution,
    vjp=(_entr_derivative_in_seed, _entr_derivative_in_x),
    jvp=(_entr_derivative_in_seed, _entr_derivative_in_x), inputs=("seed", "x"),
)


def _entr_rule(seed, out, x):
    return _entr_derivative(seed, x)


entr = primitive(
    "entr", scipy_special.entr, vjp=_entr_rule, jvp=_entr_rule, symbolic="-x*log(x)",
    doc="""−x·log x for x > 0; 0 at x = 0; −inf for x < 0, as ``scipy.special.entr``.

    Its derivative is −(log x + 1): +inf at x = 0 (the one-sided slope; a zero gradient still
    gives 0) and 0 for x < 0.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.entr(cr.tensor([0.5, 0.0, -1.0]))
        tensor([0.34657359, 0.        ,       -inf])
    """,
)

__all__ = ["xlogy", "xlog1py", "entr", "rel_entr", "kl_div"]
