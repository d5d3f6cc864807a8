"""The run file of ``chainrule train --resume`` and ``chainrule evaluate``: read and checked whole
— its seal and entries, its settings by the command line's own rules, its layer sizes against
the weights it holds — before anything is built from it.
"""

from __future__ import annotations

import argparse

from chainrule import checkpoint
from chainrule.cli import run_settings
from chainrule.cli.arguments import count, momentum, positive_float, positive_int, share
from chainrule.cli.errors import UsageError
from chainrule.train.resume import is_run

# Each number setting's check: the function the command line reads its text with.
NUMBERS = {
    "lr": positive_float,
    "momentum": momentum,
    "batch_size": positive_int,
    "seed": count,
    "test_size": share,
}


def read_run(path, command="train"):
    """The checked settings of the run in ``path``, the epochs it has done and its states.

    Raises:
        UsageError: the file cannot be read or is damaged, was not written by chainrule train,
            holds settings the command line would refuse, or layers of other sizes than its
            weights (a small file could otherwise ask for gigabytes).
    """
    try:
        states = checkpoint.read(path)
    except checkpoint.CheckpointError as error:
        raise UsageError(f"chainrule {command}: {error}") from None
    extra = states.get("extra")
    if not is_run(extra) or "config" not in extra:
        raise _not_a_run(path, "holds no settings of a training run", command)
    config = _checked_settings(path, extra["config"], command)
    epochs = extra.get("epoch")
    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 0:
        raise _not_a_run(path, "has no epoch count", command)
    _check_layers(path, config, states.get("model"), command)
    return config, epochs, states


def resumed_config(path, given):
    """The settings of the run in ``path`` and the epochs it has done; each setting ``given``
    on this command line must agree with the run's (UsageError otherwise)."""
    config, epochs, _ = read_run(path)
    for key, value in given.items():
        if value != config.get(key):
            raise UsageError(
                f"chainrule train: --{key.replace('_', '-')} {setting(value)} differs from "
                f"the resumed run's {setting(config.get(key))}; leave it out"
            )
    return config, epochs


def setting(value):
    """A setting as it is typed on the command line: ``256 128`` for a list."""
    return " ".join(map(str, value)) if isinstance(value, list) else str(value)


def _not_a_run(path, problem, command):
    return UsageError(
        f"chainrule {command}: the run file {path} {problem}: it was not written by "
        "'chainrule train --save'"
    )


def _checked_settings(path, config, command):
    # Every setting of a run, checked as the command line checks it; a run saved before a
    # setting existed (the model kind, the schedule) was trained with run_settings.BEFORE.
    expected, older = set(run_settings.TRAIN_DEFAULTS), set(run_settings.BEFORE)
    if not isinstance(config, dict) or not expected - older <= set(config) <= expected:
        found = sorted(config) if isinstance(config, dict) else type(config).__name__
        raise _not_a_run(path, f"holds settings {found!r:.120} instead of {sorted(expected)}",
                         command)
    config = {**run_settings.BEFORE, **config}
    for key, value in config.items():
        if not _valid(key, value):
            raise UsageError(
                f"chainrule {command}: the run file {path} has a setting {key} = {value!r:.60} "
                "that chainrule train would refuse: it was changed after it was written"
            )
    return config


def _valid(key, value):
    if key in run_settings.CHOICES:
        return isinstance(value, str) and value in run_settings.CHOICES[key]
    if key == "hidden":
        units = value if isinstance(value, list) else []
        return bool(units) and all(_fits(unit, positive_int) for unit in units)
    return _fits(value, NUMBERS[key])


def _fits(value, check):
    # A number passes when the command line would take its text and read the same number.
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return check(repr(value)) == value
    except argparse.ArgumentTypeError:
        return False


def _check_layers(path, config, model_state, command):
    # The model is built from the settings before the weights are loaded into it: its layers
    # must be those of the weights the file holds. An MLP's hidden units are the rows of its
    # matrices but the last; a CNN's filters, the output channels of its convolutions.
    ndim = 4 if config["model"] == "cnn" else 2
    weights = [
        value
        for key, value in (model_state.items() if isinstance(model_state, dict) else ())
        if str(key).endswith(".weight") and getattr(value, "ndim", 0) == ndim
    ]
    held = [int(weight.shape[0]) for weight in (weights if ndim == 4 else weights[:-1])]
    hidden = config["hidden"]
    if held != hidden or (ndim == 2 and len(weights) != len(hidden) + 1):
        raise UsageError(
            f"chainrule {command}: the run file {path} asks for hidden layers of "
            f"{setting(hidden)} units, but its weights are for {setting(held) or 'none'}: it "
            "was changed after it was written"
        )


__all__ = ["read_run", "resumed_config", "setting"]
