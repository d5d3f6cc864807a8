"""History: what ``fit`` measured, one list entry per epoch."""

from __future__ import annotations


class History:
    """Per-epoch records of a training run: ``history["train_loss"][e]`` is epoch e's.

    Keys (those that were measured): ``epoch`` (numbered from 1), ``train_loss``,
    ``train_accuracy``, ``val_loss``, ``val_accuracy``, other metrics as ``train_<name>`` and
    ``val_<name>``, ``lr`` (the learning rate the epoch used) and ``time`` (its seconds).

    Example:
        >>> from chainrule.train import History
        >>> history = History()
        >>> history.append({"epoch": 1, "train_loss": 0.9})
        >>> history.append({"epoch": 2, "train_loss": 0.5})
        >>> history["train_loss"], len(history)
        ([0.9, 0.5], 2)
    """

    def __init__(self, records=None):
        self.records = {key: list(values) for key, values in (records or {}).items()}

    def append(self, logs):
        """Add one epoch's values; a key first seen now gets None for the earlier epochs."""
        epochs = len(self)
        for key, value in logs.items():
            self.records.setdefault(key, [None] * epochs).append(value)
        for values in self.records.values():
            if len(values) == epochs:
                values.append(None)

    def __getitem__(self, key):
        try:
            return self.records[key]
        except KeyError:
            raise KeyError(
                f"the history has no {key!r}; it has {', '.join(self.records)}"
            ) from None

    def __contains__(self, key):
        return key in self.records

    def __len__(self):
        return len(next(iter(self.records.values()), ()))

    def keys(self):
        """The names of what was recorded."""
        return self.records.keys()

    def last(self):
        """The last epoch's values as a dict (empty before the first epoch)."""
        return {key: values[-1] for key, values in self.records.items() if values}

    def to_dict(self):
        """A plain ``{name: [value per epoch]}`` dict (copied), e.g. to save as JSON."""
        return {key: list(values) for key, values in self.records.items()}

    def __eq__(self, other):
        return isinstance(other, History) and self.records == other.records

    def __repr__(self):
        return f"History(epochs={len(self)}, keys=[{', '.join(self.records)}])"


__all__ = ["History"]
