"""``chainrule demo``: the sigmoid as a chain of four steps, read from the engine's record as
``explain`` reads it (v1 = x, v2 = a, …), each step's local derivative, and the product beside
``backward()`` and the closed form.
"""

from __future__ import annotations

import math

import chainrule as cr
from chainrule.cli.errors import UsageError
from chainrule.explanation.derivation.vocabulary import derivative_name

# The seed article's names for the four steps a = -x, b = exp(a), c = 1 + b, d = 1 / c.
SEED_NAMES = ("x", "a", "b", "c", "d")


def sigmoid_by_steps(x):
    a = -x
    b = cr.exp(a)
    c = 1 + b
    d = 1 / c
    return d


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
    steps, links = chain_links(x_value)
    print(f"σ(x) = 1 / (1 + exp(-x)) as a chain of {len(links)} steps, at x = {x_value:g}\n")
    print(f"  {'var':<5}{'seed':<6}{'step':<10}{'value':>10}   local derivative")
    for step, seed_name in zip(steps, SEED_NAMES):
        local = links.get(step["var"])
        shown = f"{local[0]:<20}= {local[1]:.6g}" if local else ""
        print(f"  {step['var']:<5}{seed_name:<6}{step['expression']:<10}{step['value']:>10.6g}"
              f"   {shown}".rstrip())
    product = math.prod(derivative for _, derivative in links.values())
    # The product of the numbers goes on a line of its own, under the "=" of the chain.
    chain, numbers = chain_text(steps, links)
    print(f"\nchain rule:   {chain}\n{' ' * (14 + chain.index('='))}= {numbers} = {product:.6g}")
    x = cr.tensor(x_value, requires_grad=True)
    sigmoid = sigmoid_by_steps(x)
    sigmoid.backward()
    by_backward = x.grad.item()
    sigma = sigmoid.item()
    closed_form = sigma * (1 - sigma)
    print(f"backward():   x.grad = {by_backward:.6g}")
    print(f"closed form:  σ(x)·(1 − σ(x)) = {closed_form:.6g}")
    values = (product, by_backward, closed_form)
    difference = max(values) - min(values)
    # The closed form loses digits to cancellation in 1 − σ(x) for large x, hence abs_tol.
    agree = all(math.isclose(v, product, rel_tol=1e-9, abs_tol=1e-12) for v in values)
    print(f"agree: {'yes' if agree else 'NO'} (largest difference {difference:.1e})")
    return 0 if agree else 1


def chain_links(x_value):
    """The recorded steps (as ``explain`` names them) and, by step, its local derivative as a
    formula and a number: ∂vᵢ/∂vᵢ₋₁, written and computed by the step's own rule."""
    explained = cr.explain(sigmoid_by_steps, x_value).to_dict()
    steps = explained["steps"]
    links = {}
    for event in explained["reverse"]["steps"]:
        if event["kind"] == "contribution":
            formula = f"∂{event['from']}/∂{event['to']} = {event['formula']}"
            links[event["from"]] = (formula, event["derivative"])
    return steps, links


def chain_text(steps, links):
    """``dσ/dx = ∂v5/∂v4 · … · ∂v2/∂v1`` and its numbers ``(…)·…·(…)``, from the output back
    to the input: the derivative in the user's names (as ``explain`` writes it), the chain in
    the step names."""
    names = [step["var"] for step in steps]
    factors = [f"∂{later}/∂{earlier}" for earlier, later in zip(names, names[1:])][::-1]
    numbers = "·".join(f"({links[name][1]:.6g})" for name in reversed(names[1:]))
    return f"{derivative_name('σ', 'x')} = {' · '.join(factors)}", numbers


__all__ = ["add_demo", "run_demo", "chain_links", "sigmoid_by_steps"]
