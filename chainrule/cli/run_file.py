"""The run file of ``chainrule train --resume``: read and checked whole — its seal and entries, its
settings by the command line's own rules, its layer sizes against the weights it holds — before
anything is built from it.
"""

from __future__ import annotations

import argparse

from chainrule import checkpoint
from chainrule.cli.arguments import count, momentum, positive_float, positive_int, share
from chainrule.cli.errors import UsageError
from chainrule.train.resume import is_run

# Each setting's check: a function of the text the command line would be given, or the choices.
NUMBERS = {
    "lr": positive_float,
    "momentum": momentum,
    "batch_size": positive_int,
    "seed": count,
    "test_size": share,
}


def resumed_config(path, given, choices):
    """The settings of the run in ``path`` and the epochs it has done.

    Args:
        path: a file written by ``chainrule train --save``.
        given: the settings typed on this command line; each must agree with the run's.
        choices: the names each choice setting may take (dataset, activation, optimizer).

    Raises:
        UsageError: the file cannot be read or is damaged, was not written by chainrule train,
            holds settings the command line would refuse, or layers of other sizes than its
            weights; or a setting given differs from the run's.
    """
    try:
        states = checkpoint.read(path)
    except checkpoint.CheckpointError as error:
        raise UsageError(f"chainrule train: {error}") from None
    extra = states.get("extra")
    if not is_run(extra) or "config" not in extra:
        raise _not_a_run(path, "holds no settings of a training run")
    config = _checked_settings(path, extra["config"], choices)
    epochs = extra.get("epoch")
    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 0:
        raise _not_a_run(path, "has no epoch count")
    _check_layers(path, config["hidden"], states.get("model"))
    for key, value in given.items():
        if value != config[key]:
            raise UsageError(
                f"chainrule train: --{key.replace('_', '-')} {setting(value)} differs from "
                f"the resumed run's {setting(config[key])}; leave it out"
            )
    return config, epochs


def setting(value):
    """A setting as it is typed on the command line: ``256 128`` for a list."""
    return " ".join(map(str, value)) if isinstance(value, list) else str(value)


def _not_a_run(path, problem):
    return UsageError(
        f"chainrule train: the run file {path} {problem}: it was not written by "
        "'chainrule train --save'"
    )


def _checked_settings(path, config, choices):
    expected = {*NUMBERS, *choices, "hidden"}
    if not isinstance(config, dict) or set(config) != expected:
        found = sorted(config) if isinstance(config, dict) else type(config).__name__
        raise _not_a_run(path, f"holds settings {found!r:.120} instead of {sorted(expected)}")
    for key, value in config.items():
        if key in choices:
            valid = isinstance(value, str) and value in choices[key]
        elif key == "hidden":
            units = value if isinstance(value, list) else []
            valid = bool(units) and all(_fits(unit, positive_int) for unit in units)
        else:
            valid = _fits(value, NUMBERS[key])
        if not valid:
            raise UsageError(
                f"chainrule train: the run file {path} has a setting {key} = {value!r:.60} that "
                "chainrule train would refuse: it was changed after it was written"
            )
    return config


def _fits(value, check):
    # A number passes when the command line would take its text and read the same number.
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return check(repr(value)) == value
    except argparse.ArgumentTypeError:
        return False


def _check_layers(path, hidden, model_state):
    # The model is built from the settings before the weights are loaded into it: its layers
    # must be those of the weights the file holds, or a small file could ask for gigabytes.
    weights = [
        value
        for key, value in (model_state.items() if isinstance(model_state, dict) else ())
        if str(key).endswith(".weight") and getattr(value, "ndim", 0) == 2
    ]
    held = [int(weight.shape[0]) for weight in weights[:-1]]
    if len(weights) != len(hidden) + 1 or held != hidden:
        raise UsageError(
            f"chainrule train: the run file {path} asks for hidden layers of "
            f"{setting(hidden)} units, but its weights are for {setting(held) or 'none'}: it "
            "was changed after it was written"
        )


__all__ = ["resumed_config", "setting"]
