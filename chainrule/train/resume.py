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

    The whole run is checked before anything is restored: the file (as ``checkpoint.load``),
    the epoch count, the history, and each random generator's state, tried on a fresh
    generator of its kind first.

    Raises:
        CheckpointError: the file is not a checkpoint of a ``fit`` run, or does not fit the
            model, optimizer, schedule or loader (nothing is restored then).
    """
    extra = checkpoint.load(path)
    if not is_run(extra):
        raise checkpoint.CheckpointError(
            path, "holds no training run to resume (it was not written by fit(checkpoint=...))"
        )
    epochs, history = _checked_progress(path, extra)
    assignments = _random_assignments(path, model, train_loader, extra.get("random"))
    checkpoint.load(path, model, optimizer, scheduler)
    for generator, state in assignments:
        generator.bit_generator.state = state
    if extra["random"]["loader_epoch"] is not None:
        train_loader.epoch = extra["random"]["loader_epoch"]
    return history, epochs


def is_run(extra):
    """Whether the ``extra`` of a checkpoint is that of a :func:`save_run` run.

    Example:
        >>> from chainrule.train.resume import is_run
        >>> is_run({"kind": "fit", "epoch": 3}), is_run({"epoch": 3})
        (True, False)
    """
    # The kind is compared only once it is text: an array would compare entry by entry.
    return (
        isinstance(extra, dict)
        and isinstance(extra.get("kind"), str)
        and (extra["kind"] == RUN_KIND)
    )


def _checked_progress(path, extra):
    epochs = extra.get("epoch")
    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 0:
        raise checkpoint.CheckpointError(
            path, "has no epoch count: it was not written by fit(checkpoint=...)"
        )
    records = extra.get("history")
    if not isinstance(records, dict) or not all(
        isinstance(key, str) and isinstance(values, list) and len(values) == epochs
        for key, values in records.items()
    ):
        raise checkpoint.CheckpointError(
            path, f"has no history of its {epochs} epochs: it was changed after it was written"
        )
    return epochs, History(records)


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
    """Put back what :func:`random_state` returned; nothing is changed if any part is refused.

    Raises:
        CheckpointError: a state of the wrong form, or for a generator the run does not have.
    """
    assignments = _random_assignments(path, model, train_loader, state)
    for generator, saved in assignments:
        generator.bit_generator.state = saved
    if state["loader_epoch"] is not None:
        train_loader.epoch = state["loader_epoch"]


def _random_assignments(path, model, train_loader, state):
    # (generator, saved state) pairs, each state tried first on a fresh generator of its kind.
    keys = {"default_generator", "loader_epoch", "loader_generator", "modules"}
    if not isinstance(state, dict) or set(state) != keys or not isinstance(state["modules"], dict):
        raise checkpoint.CheckpointError(path, "has no random-generator states of a run")
    epoch = state["loader_epoch"]
    if epoch is not None and (not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 0):
        raise checkpoint.CheckpointError(path, f"has a loader epoch {epoch!r:.40}")
    pairs = [(default_generator, state["default_generator"])]
    if state["loader_generator"] is not None:
        loader_generator = getattr(train_loader, "generator", None)
        if loader_generator is None:
            raise checkpoint.CheckpointError(
                path,
                "was saved with a DataLoader that draws from a "
                "generator; make the new one with a generator too",
            )
        pairs.append((loader_generator, state["loader_generator"]))
    generators = dict(_module_generators(model))
    for name, saved in state["modules"].items():
        if name not in generators:
            raise checkpoint.CheckpointError(
                path, f"holds the state of a generator {name!r} that the model does not have"
            )
        pairs.append((generators[name], saved))
    for generator, saved in pairs:
        _try_state(path, generator, saved)
    return pairs


def _try_state(path, generator, saved):
    try:
        type(generator.bit_generator)().state = saved
    # NumPy checks a state as it takes it, failing with whichever error the damage causes.
    except Exception as error:  # noqa: BLE001
        raise checkpoint.CheckpointError(
            path, f"has a random-generator state that NumPy refuses ({error!s:.100})"
        ) from None


def _module_generators(model):
    # Layers that draw random numbers (dropout) may hold a generator of their own.
    named_modules = getattr(model, "named_modules", None)
    for prefix, module in named_modules() if named_modules else ():
        for attribute, value in vars(module).items():
            if isinstance(value, np.random.Generator):
                yield (f"{prefix}.{attribute}" if prefix else attribute), value


def _state_of(generator):
    return generator.bit_generator.state if isinstance(generator, np.random.Generator) else None


__all__ = ["is_run", "save_run", "restore_run", "random_state", "set_random_state"]
