"""A training run's checkpoint: the model, optimizer and schedule, plus what makes the next
epoch the same as without the interruption — the epoch count, the history so far, and the state
of every random generator the run draws from (shuffling, dropout).
"""

from __future__ import annotations

import numpy as np

from chainrule import checkpoint
from chainrule.random import default_generator
from chainrule.train.history import History

RUN_KIND = "fit"


RESERVED = ("kind", "epoch", "history", "random")


def save_run(path, model, optimizer, scheduler, train_loader, history, extra=None):
    """Write a checkpoint that :func:`restore_run` continues from, at the end of an epoch.

    ``extra`` (a dict of JSON-like values, e.g. the settings that build the model) is saved
    beside the run: ``checkpoint.load(path)`` returns it merged with the run's own entries.
    """
    extra = dict(extra or {})
    clashes = [key for key in RESERVED if key in extra]
    if clashes:
        raise ValueError(
            f"checkpoint_extra cannot use the names {', '.join(clashes)}: the run "
            "keeps its own entries under them"
        )
    extra |= {
        "kind": RUN_KIND,
        "epoch": history["epoch"][-1] if len(history) else 0,
        "history": history.to_dict(),
        "random": random_state(model, train_loader),
    }
    checkpoint.save(path, model, optimizer, scheduler, extra)


def restore_run(path, model, optimizer, scheduler, train_loader):
    """Load a checkpoint of :func:`save_run`; returns ``(history, epochs done)``.

    Raises:
        CheckpointError: the file is not a checkpoint of a ``fit`` run, or does not fit the
            model, optimizer or schedule (nothing is restored then).
    """
    extra = checkpoint.load(path)
    if not isinstance(extra, dict) or extra.get("kind") != RUN_KIND:
        raise checkpoint.CheckpointError(
            path, "holds no training run to resume (it was not written by fit(checkpoint=...))"
        )
    checkpoint.load(path, model, optimizer, scheduler)
    set_random_state(path, model, train_loader, extra["random"])
    return History(extra["history"]), int(extra["epoch"])


def random_state(model, train_loader):
    """The state of the generators a run draws from, as JSON-like values."""
    loader_generator = getattr(train_loader, "generator", None)
    return {
        "default_generator": default_generator.bit_generator.state,
        "loader_epoch": getattr(train_loader, "epoch", None),
        "loader_generator": _state_of(loader_generator),
        "modules": {
            name: generator.bit_generator.state for name, generator in _module_generators(model)
        },
    }


def set_random_state(path, model, train_loader, state):
    """Put back what :func:`random_state` returned."""
    default_generator.bit_generator.state = state["default_generator"]
    if state["loader_epoch"] is not None:
        train_loader.epoch = state["loader_epoch"]
    if state["loader_generator"] is not None:
        loader_generator = getattr(train_loader, "generator", None)
        if loader_generator is None:
            raise checkpoint.CheckpointError(
                path,
                "was saved with a DataLoader that draws from a "
                "generator; make the new one with a generator too",
            )
        loader_generator.bit_generator.state = state["loader_generator"]
    generators = dict(_module_generators(model))
    for name, saved in state["modules"].items():
        if name not in generators:
            raise checkpoint.CheckpointError(
                path, f"holds the state of a generator {name!r} that the model does not have"
            )
        generators[name].bit_generator.state = saved


def _module_generators(model):
    # Layers that draw random numbers (dropout) may hold a generator of their own.
    named_modules = getattr(model, "named_modules", None)
    for prefix, module in named_modules() if named_modules else ():
        for attribute, value in vars(module).items():
            if isinstance(value, np.random.Generator):
                yield (f"{prefix}.{attribute}" if prefix else attribute), value


def _state_of(generator):
    return generator.bit_generator.state if isinstance(generator, np.random.Generator) else None


__all__ = ["save_run", "restore_run", "random_state", "set_random_state"]
