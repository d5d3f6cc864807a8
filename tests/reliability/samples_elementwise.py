"""Sample strategies for the elementwise ops, unary and binary, each inside its domain.

The domains follow the op table (tests/ops/cases_elementwise.py): the same ranges, the same
clearance from kinks; here the shapes, broadcasting pairs and parameters are drawn.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import chainrule as cr
from tests.reliability.strategies import (
    ANYWHERE,
    AWAY_FROM_ZERO,
    Grid,
    Interval,
    Sample,
    broadcast_shapes,
    shapes,
    spell,
)

# name: (function, domain). The function takes the tensor and the drawn keyword parameters.
UNARY = {
    "negative": (cr.negative, ANYWHERE),
    "reciprocal": (cr.reciprocal, Interval(-3.0, 3.0, kinks=(0.0,), margin=0.4)),
    "square": (cr.square, ANYWHERE),
    "sqrt": (cr.sqrt, Interval(0.3, 3.0)),
    "cbrt": (cr.cbrt, AWAY_FROM_ZERO),
    "abs": (cr.abs, AWAY_FROM_ZERO),
    "sign": (cr.sign, AWAY_FROM_ZERO),
    "copy": (cr.copy, ANYWHERE),
    # Through float64 and back: the gradient must come back in the input's dtype.
    "astype": (lambda x: cr.astype(cr.astype(x, "float64"), x.dtype), ANYWHERE),
    "exp": (cr.exp, Interval(-3.0, 3.0)),
    "exp2": (cr.exp2, Interval(-3.0, 3.0)),
    "expm1": (cr.expm1, Interval(-3.0, 3.0)),
    "log": (cr.log, Interval(0.3, 3.0)),
    "log2": (cr.log2, Interval(0.3, 3.0)),
    "log10": (cr.log10, Interval(0.3, 3.0)),
    "log1p": (cr.log1p, Interval(-0.6, 3.0)),
    "erf": (cr.erf, Interval(-3.0, 3.0)),
    "erfc": (cr.erfc, Interval(-3.0, 3.0)),
    "sin": (cr.sin, Interval(-4.0, 4.0)),
    "cos": (cr.cos, Interval(-4.0, 4.0)),
    "tan": (cr.tan, Interval(-1.2, 1.2)),
    "arcsin": (cr.arcsin, Interval(-0.85, 0.85)),
    "arccos": (cr.arccos, Interval(-0.85, 0.85)),
    "arctan": (cr.arctan, Interval(-3.0, 3.0)),
    "sinh": (cr.sinh, Interval(-3.0, 3.0)),
    "cosh": (cr.cosh, Interval(-3.0, 3.0)),
    "tanh": (cr.tanh, Interval(-3.0, 3.0)),
    "arcsinh": (cr.arcsinh, Interval(-3.0, 3.0)),
    "arccosh": (cr.arccosh, Interval(1.2, 3.0)),
    "arctanh": (cr.arctanh, Interval(-0.85, 0.85)),
    "relu": (cr.relu, AWAY_FROM_ZERO),
    "sigmoid": (cr.sigmoid, Interval(-6.0, 6.0)),
}

# name: (function of x and the parameters, parameter strategy, domain given the parameters).
UNARY_WITH_PARAMETERS = {
    "leaky_relu": (
        lambda x, negative_slope: cr.leaky_relu(x, negative_slope),
        st.fixed_dictionaries({"negative_slope": st.floats(0.0, 0.5)}),
        lambda **_: AWAY_FROM_ZERO,
    ),
    "elu": (
        lambda x, alpha: cr.elu(x, alpha=alpha),
        st.fixed_dictionaries({"alpha": st.floats(0.1, 2.0)}),
        lambda **_: AWAY_FROM_ZERO,
    ),
    "gelu": (
        lambda x, approximate: cr.gelu(x, approximate=approximate),
        st.fixed_dictionaries({"approximate": st.sampled_from(["none", "tanh"])}),
        lambda **_: Interval(-4.0, 4.0),
    ),
    "softplus": (
        lambda x, beta: cr.softplus(x, beta=beta),
        st.fixed_dictionaries({"beta": st.floats(0.5, 3.0)}),
        lambda **_: Interval(-6.0, 6.0),
    ),
    "clip": (
        lambda x, a_min, a_max: cr.clip(x, a_min, a_max),
        st.sampled_from([(None, 1.0), (-1.0, None), (-1.0, 1.0), (-0.5, 1.0)]).map(
            lambda bounds: dict(zip(("a_min", "a_max"), bounds))
        ),
        lambda a_min, a_max: Interval(
            -3.0, 3.0, kinks=tuple(b for b in (a_min, a_max) if b is not None), margin=0.2
        ),
    ),
    "power": (
        lambda x, exponent: x**exponent,
        st.fixed_dictionaries({"exponent": st.sampled_from([0, 1, 2, 3, -1, -2, 0.5, 2.5, -1.5])}),
        lambda exponent: (
            Interval(0.3, 3.0)
            if exponent != int(exponent)
            else AWAY_FROM_ZERO
            if exponent < 0
            else ANYWHERE
        ),
    ),
}

# name: (function, domain of x, domain of y).
BINARY = {
    "add": (cr.add, ANYWHERE, ANYWHERE),
    "subtract": (cr.subtract, ANYWHERE, ANYWHERE),
    "multiply": (cr.multiply, ANYWHERE, ANYWHERE),
    "divide": (cr.divide, ANYWHERE, Interval(-2.0, 2.0, kinks=(0.0,), margin=0.5)),
    "power": (cr.power, Interval(0.4, 2.0), ANYWHERE),
    "logaddexp": (cr.logaddexp, Interval(-5.0, 5.0), Interval(-5.0, 5.0)),
    "arctan2": (cr.arctan2, AWAY_FROM_ZERO, ANYWHERE),
    "hypot": (cr.hypot, AWAY_FROM_ZERO, ANYWHERE),
    # Odd and even multiples of a quarter never tie.
    "maximum": (cr.maximum, Grid(0.25), Grid(0.0)),
    "minimum": (cr.minimum, Grid(0.25), Grid(0.0)),
}


@st.composite
def unary_sample(draw, name):
    fn, domain = UNARY[name]
    x = draw(domain.arrays(draw(shapes())))
    return Sample(name, fn, (x,), spell(name, "x"))


@st.composite
def unary_sample_with_parameters(draw, name):
    fn, parameters, domain = UNARY_WITH_PARAMETERS[name]
    params = draw(parameters)
    x = draw(domain(**params).arrays(draw(shapes())))
    return Sample(name, lambda x: fn(x, **params), (x,), spell(name, "x", **params))


@st.composite
def binary_sample(draw, name):
    fn, x_domain, y_domain = BINARY[name]
    x_shape, y_shape = draw(broadcast_shapes())
    x, y = draw(x_domain.arrays(x_shape)), draw(y_domain.arrays(y_shape))
    return Sample(name, fn, (x, y), spell(name, "x", "y"))


@st.composite
def where_sample(draw):
    condition_shape, x_shape, y_shape = draw(broadcast_shapes(count=3))
    condition = draw(hnp.arrays(np.bool_, condition_shape))
    x, y = draw(ANYWHERE.arrays(x_shape)), draw(ANYWHERE.arrays(y_shape))
    call = f"where(condition={condition.tolist()}, x, y)"
    return Sample("where", lambda x, y: cr.where(condition, x, y), (x, y), call, linear=True)


def elementwise_samples():
    """{label: strategy of Sample} for every elementwise op."""
    samples = {name: unary_sample(name) for name in UNARY}
    samples.update({name: unary_sample_with_parameters(name) for name in UNARY_WITH_PARAMETERS})
    samples["power"] = st.one_of(samples["power"], binary_sample("power"))
    samples.update({name: binary_sample(name) for name in BINARY if name != "power"})
    samples["where"] = where_sample()
    return samples


__all__ = ["BINARY", "UNARY", "UNARY_WITH_PARAMETERS", "elementwise_samples"]
