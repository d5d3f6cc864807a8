"""The workloads W1–W7, the systems that run them, and what a workload hands the harness.

Each workload module offers ``skip(system, workload) -> str`` (why the pair makes no sense, or
"") and ``build(system, workload) -> Case``. Peers are imported inside ``build`` only, so the
driver can read this registry without loading any of them.
"""

import dataclasses
import importlib
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class System:
    key: str  # what --systems accepts
    label: str  # what the tables show
    package: str | None  # the import name (and distribution); None for the hand-written limit


SYSTEMS = {
    system.key: system
    for system in (
        System("numpy", "hand-written", None),
        System("chainrule", "chainrule", "chainrule"),
        System("chainrule-jit", "chainrule (jit)", "chainrule"),
        System("pytorch", "PyTorch", "torch"),
        System("jax", "JAX (eager)", "jax"),
        System("jax-jit", "JAX (jit)", "jax"),
        System("autograd", "HIPS autograd", "autograd"),
        System("mygrad", "MyGrad", "mygrad"),
        System("micrograd", "micrograd", "micrograd"),
    )
}
LIMIT = "numpy"
OURS = ("chainrule", "chainrule-jit")
PEERS = [key for key in SYSTEMS if key not in (LIMIT, *OURS)]


@dataclasses.dataclass(frozen=True)
class Target:
    """chainrule's target: its figure at most ``most`` (times the limit's when ``relative``,
    times the figure of the system ``peer`` in the same run when that is given)."""

    most: float
    relative: bool
    peer: str | None = None

    def text(self, unit):
        if self.peer is not None:
            return f"≤ {self.most:g}× {SYSTEMS[self.peer].label}"
        return f"≤ {self.most:g}× limit" if self.relative else f"≤ {self.most:g} {unit}"

    def bound(self, limit, peer_value):
        """The largest figure that meets the target; None when what it is relative to is
        missing from the run."""
        if self.peer is not None:
            return self.most * peer_value if peer_value else None
        if self.relative:
            return self.most * limit if limit else None
        return self.most


@dataclasses.dataclass(frozen=True)
class Workload:
    key: str  # "W4a"
    name: str  # a few words for the summary
    module: str  # under bench.workloads
    unit: str
    kind: str  # "time": one timed function; "ratio": value_and_grad over forward; "memory"
    target: Target
    scale: float = 1e3  # seconds per call → the unit (ms unless said)

    @property
    def group(self):
        return self.key[:2]

    @property
    def title(self):
        return TITLES[self.key]

    def load(self):
        return importlib.import_module(f"bench.workloads.{self.module}")


# W1's scale, 50.0: seconds per graph → µs per op over its 20,000 ops.
WORKLOADS = {
    workload.key: workload
    for workload in (
        Workload(
            "W1", "Scalar graph", "scalar_graph", "µs/op", "time", Target(1.0, False, "micrograd"),
            50.0,
        ),
        Workload("W2", "Small MLP step", "mlp", "ms/step", "time", Target(1.3, True)),
        Workload("W3", "Large MLP step", "mlp", "ms/step", "time", Target(1.05, True)),
        Workload(
            "W4a", "Cheap gradient, MLP", "cheap_gradient", "vg/fwd", "ratio", Target(2.6, False)
        ),
        Workload(
            "W4b",
            "Cheap gradient, elementwise",
            "cheap_gradient",
            "vg/fwd",
            "ratio",
            Target(2.3, False),
        ),
        Workload("W5a", "Jacobian, reverse mode", "jacobians", "ms", "time", Target(2.0, True)),
        Workload("W5b", "Jacobian, forward mode", "jacobians", "ms", "time", Target(2.0, True)),
        Workload("W5c", "Hessian", "jacobians", "ms", "time", Target(2.0, True)),
        Workload("W6a", "Deep chain, 0-d", "deep_chain", "ms", "time", Target(6.0, True)),
        Workload("W6b", "Deep chain, 10-vector", "deep_chain", "ms", "time", Target(3.0, True)),
        Workload("W7", "Peak memory", "memory", "MiB", "memory", Target(1.15, True)),
    )
}
TITLES = {
    "W1": "Scalar graph: 4,000 × relu(x·w + b)² on 0-d float64 (20,000 ops), backward",
    "W2": "Small MLP step: 64→128→128→10, tanh, softmax CE, batch 32, float32, SGD, digits",
    "W3": "Large MLP step: 784→1024→1024→10, relu, softmax CE, batch 256, float32, SGD",
    "W4a": "Cheap gradient: value_and_grad ÷ forward of the W3 loss",
    "W4b": "Cheap gradient: value_and_grad ÷ forward of Σ sin(x)·exp(−x²) + tanh(x), 10⁶ float64",
    "W5a": "Jacobian 200×200 of tanh(W2 @ tanh(W1 @ x)), reverse mode, float64",
    "W5b": "Jacobian 200×200 of tanh(W2 @ tanh(W1 @ x)), forward mode, float64",
    "W5c": "Hessian 200×200 of Σ tanh(W1 @ x)², float64",
    "W6a": "Deep chain: 10,000 × y = sin(y) on a 0-d float64, then backward",
    "W6b": "Deep chain: 10,000 × y = sin(y) on a float64 10-vector, then backward of Σ y",
    "W7": "Peak RSS of a fresh process that runs 50 W3 steps",
}
GROUPS = sorted({workload.group for workload in WORKLOADS.values()})

FLOAT64 = {"rtol": 1e-9, "atol": 1e-12}


@dataclasses.dataclass
class Case:
    """One workload made ready on one system.

    ``check()`` gives the values and gradients compared with the limit's (NumPy arrays by
    name); ``timed`` holds what is timed, by name, each returning only once its work is done;
    ``reset``, when given, runs untimed before every timed call (clearing accumulated gradients).
    """

    check: Callable[[], dict]
    timed: dict[str, Callable[[], object]]
    reset: Callable[[], None] | None = None
    tolerance: dict = dataclasses.field(default_factory=lambda: dict(FLOAT64))
    note: str = ""


__all__ = ["SYSTEMS", "LIMIT", "OURS", "PEERS", "WORKLOADS", "TITLES", "GROUPS", "FLOAT64", "Case"]
