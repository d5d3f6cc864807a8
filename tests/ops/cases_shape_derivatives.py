"""Op-table cases for the distribution functions of chainrule.scipy.stats in their shape
parameters (first order: their second derivative there is not implemented), and for the helper
primitives that give those derivatives, to second order in the point."""

import numpy as np

import chainrule as cr
from chainrule.scipy.stats import distribution_functions as f
from tests.ops.optable import OpCase, rand

CASES = [
    OpCase("gammainc", f.gammainc, (rand(3, 1, low=0.3, high=6.0), rand(4, low=0.2, high=9.0)),
           "in a and x, broadcast (series and continued fraction)", order=1),
    OpCase("gammainc", lambda a: f.gammainc(a, 2.0), (rand(low=0.3, high=6.0),), "in a, 0-d",
           order=1),
    OpCase("gammaincc", f.gammaincc, (rand(3, 1, low=0.3, high=6.0), rand(4, low=0.2, high=9.0)),
           "in a and x, broadcast", order=1),
    OpCase("gammaincc", lambda a: f.gammaincc(a, np.ones((0, 2))), (rand(2, low=0.3, high=6.0),),
           "in a, empty", order=1),
    OpCase("betainc", f.betainc,
           (rand(3, 1, low=0.3, high=6.0), rand(3, 1, low=0.3, high=6.0),
            rand(4, low=0.02, high=0.98)),
           "in a, b and x, broadcast (both sides of the mean)", order=1),
    OpCase("betainc", lambda b: f.betainc(2.5, b, 0.4), (rand(low=0.3, high=6.0),),
           "in b, 0-d", order=1),
    OpCase("betaincc", f.betaincc,
           (rand(2, 3, low=0.3, high=6.0), rand(2, 3, low=0.3, high=6.0),
            rand(2, 3, low=0.02, high=0.98)), "in a, b and x", order=1),
    OpCase("stdtr", f.stdtr, (rand(3, 1, low=0.5, high=40.0), rand(4, low=-5.0, high=5.0)),
           "in df and t, broadcast", order=1),
    # A slope in df small beside atol would let a rule off by 0.1% pass: a tight atol here.
    OpCase("stdtr", lambda df: f.stdtr(df, np.array([-3.0, -1.5, 2.5])),
           (rand(3, low=0.6, high=3.0),), "in df, small df, tight tolerance", order=1,
           atol=1e-9),
    # The shape derivative as a function of the point: the rule's result must itself carry a
    # derivative (the mixed ∂²/∂shape∂x), which a detached rule would drop.
    OpCase("gammainc", lambda x: cr.grad(lambda a: cr.sum(f.gammainc(a, x)))(2.5),
           (rand(3, low=0.2, high=6.0),), "∂/∂a, then in x", order=1),
    OpCase("gammaincc", lambda x: cr.grad(lambda a: cr.sum(f.gammaincc(a, x)))(2.5),
           (rand(3, low=0.2, high=6.0),), "∂/∂a, then in x", order=1),
    OpCase("betainc", lambda x: cr.grad(lambda a, b: cr.sum(f.betainc(a, b, x)),
                                        argnums=(0, 1))(2.5, 1.5)[0],
           (rand(3, low=0.05, high=0.95),), "∂/∂a, then in x", order=1),
    OpCase("betainc", lambda x: cr.grad(lambda b: cr.sum(f.betainc(2.5, b, x)))(1.5),
           (rand(3, low=0.05, high=0.95),), "∂/∂b, then in x", order=1),
    OpCase("betaincc", lambda x: cr.grad(lambda a, b: cr.sum(f.betaincc(a, b, x)),
                                         argnums=(0, 1))(2.5, 1.5)[1],
           (rand(3, low=0.05, high=0.95),), "∂/∂b, then in x", order=1),
    OpCase("betaincc", lambda x: cr.grad(lambda a: cr.sum(f.betaincc(a, 1.5, x)))(2.5),
           (rand(3, low=0.05, high=0.95),), "∂/∂a, then in x", order=1),
    OpCase("stdtr", lambda t: cr.grad(lambda df: cr.sum(f.stdtr(df, t)))(7.0),
           (rand(3, low=-4.0, high=4.0),), "∂/∂df, then in t", order=1),
    # The same through forward mode: the tangent rule's result must carry a derivative too.
    OpCase("gammainc", lambda x: cr.jvp(lambda a: f.gammainc(a, x), (2.5,), (1.0,))[1],
           (rand(3, low=0.2, high=6.0),), "tangent in a, then in x", order=1),
    OpCase("gammaincc", lambda x: cr.jvp(lambda a: f.gammaincc(a, x), (2.5,), (1.0,))[1],
           (rand(3, low=0.2, high=6.0),), "tangent in a, then in x", order=1),
    OpCase("betainc", lambda x: cr.jvp(lambda a, b: f.betainc(a, b, x), (2.5, 1.5),
                                       (1.0, 0.5))[1],
           (rand(3, low=0.05, high=0.95),), "tangent in a and b, then in x", order=1),
    OpCase("betaincc", lambda x: cr.jvp(lambda a, b: f.betaincc(a, b, x), (2.5, 1.5),
                                        (0.5, 1.0))[1],
           (rand(3, low=0.05, high=0.95),), "tangent in a and b, then in x", order=1),
    OpCase("stdtr", lambda t: cr.jvp(lambda df: f.stdtr(df, t), (7.0,), (1.0,))[1],
           (rand(3, low=-4.0, high=4.0),), "tangent in df, then in t", order=1),
    OpCase("gammainc_shape_derivative",
           lambda x: f._gammainc_slope(np.array([0.5, 2.0, 7.0]), x),
           (rand(2, 1, low=0.2, high=9.0),), "in x, broadcast"),
    OpCase("betainc_shape_derivative", lambda x: f._betainc_slope(0, 2.5, 1.5, x),
           (rand(3, 2, low=0.05, high=0.95),), "in a, its derivative in x"),
    OpCase("betainc_shape_derivative", lambda x: f._betainc_slope(1, np.array([0.7, 4.0]), 3.0, x),
           (rand(3, 1, low=0.05, high=0.95),), "in b, its derivative in x, broadcast"),
    OpCase("stdtr_shape_derivative", lambda t: f._stdtr_slope(np.array([1.5, 12.0]), t),
           (rand(3, 1, low=-4.0, high=4.0),), "its derivative in t, broadcast"),
]
