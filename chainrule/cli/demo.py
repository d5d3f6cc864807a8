"""``chainrule demo``: the sigmoid as a chain of four steps, each step's local derivative, and
the product beside ``backward()`` and the closed form.
"""

from __future__ import annotations

import math

import chainrule as cr
from chainrule.cli.errors import UsageError


# The sigmoid as the chain of its four steps: (step, local derivative as a formula, the step).
SIGMOID_STEPS = (
    ("a = -x", "da/dx = -1", lambda u: -u),
    ("b = exp(a)", "db/da = exp(a)", lambda u: cr.exp(u)),
    ("c = 1 + b", "dc/db = 1", lambda u: 1 + u),
    ("d = 1 / c", "dd/dc = -1/c²", lambda u: 1 / u),
)


# exp(-x) overflows float64 below x = -709.78; a round bound is easier to state.
DEMO_X_BOUND = 700.0


def add_demo(subparsers):
    """Add the ``demo`` command's parser to ``subparsers`` and return it."""
    demo = subparsers.add_parser(
        "demo",
        help="the chain rule at work on the sigmoid, step by step",
        description=(
            "Write the sigmoid σ(x) = 1 / (1 + exp(-x)) as four steps, show each step's value "
            "and local derivative, multiply the chain, and check that backward() and the "
            "closed form σ(x)·(1 − σ(x)) give the same derivative."
        ),
    )
    demo.add_argument("--x", type=float, default=0.5, help="where to differentiate (default 0.5)")
    return demo


def run_demo(args):
    x_value = args.x
    if not (math.isfinite(x_value) and abs(x_value) <= DEMO_X_BOUND):
        raise UsageError(
            f"chainrule demo: --x must be a finite number between -{DEMO_X_BOUND:g} and "
            f"{DEMO_X_BOUND:g} (exp(-x) overflows below about -709), got {x_value:g}"
        )
    links = chain_links(x_value)
    print(f"σ(x) = 1 / (1 + exp(-x)) as a chain of {len(links)} steps, at x = {x_value:g}\n")
    print(f"  {'step':<12}{'value':>12}   local derivative")
    for (step, formula, _), (value, derivative) in zip(SIGMOID_STEPS, links):
        print(f"  {step:<12}{value:>12.6g}   {formula:<16}= {derivative:.6g}")

    product = math.prod(derivative for _, derivative in links)
    factors = "·".join(f"({derivative:.6g})" for _, derivative in reversed(links))
    x = cr.tensor(x_value, requires_grad=True)
    sigmoid = sigmoid_by_steps(x)
    sigmoid.backward()
    by_backward = x.grad.item()
    sigma = sigmoid.item()
    closed_form = sigma * (1 - sigma)
    print(f"\nchain rule:   dd/dx = dd/dc · dc/db · db/da · da/dx = {factors} = {product:.6g}")
    print(f"backward():   x.grad = {by_backward:.6g}")
    print(f"closed form:  σ(x)·(1 − σ(x)) = {closed_form:.6g}")
    values = (product, by_backward, closed_form)
    difference = max(values) - min(values)
    # The closed form loses digits to cancellation in 1 − σ(x) for large x, hence abs_tol.
    agree = all(math.isclose(v, product, rel_tol=1e-9, abs_tol=1e-12) for v in values)
    print(f"agree: {'yes' if agree else 'NO'} (largest difference {difference:.1e})")
    return 0 if agree else 1


def chain_links(x_value):
    """Each step's (value, local derivative), the derivative found by backward() on that step."""
    links = []
    value = x_value
    for _, _, step in SIGMOID_STEPS:
        u = cr.tensor(value, requires_grad=True)
        out = step(u)
        out.backward()
        value = out.item()
        links.append((value, u.grad.item()))
    return links


def sigmoid_by_steps(x):
    for _, _, step in SIGMOID_STEPS:
        x = step(x)
    return x


__all__ = ['add_demo', 'run_demo', 'chain_links']
