"""The progress display of ``fit``: a line redrawn in place on a terminal, one line per epoch
elsewhere (a log file, a pipe, a notebook's captured output).
"""

from __future__ import annotations

import sys
import time

from chainrule.train.callbacks import Callback

BAR_WIDTH = 20
# Seconds between redraws: often enough to look live, rarely enough to cost nothing.
REDRAW_INTERVAL = 0.1


class ProgressBar(Callback):
    """Show epoch, batch i/n, running loss, samples/s and the time left, on ``stream``.

    Args:
        stream: where to write (default: ``sys.stderr`` at the time of construction).
        live: redraw one line after each batch; by default only when ``stream`` is a terminal.
            When not live, one summary line is written per epoch.

    Example:
        >>> import io
        >>> from chainrule.train import ProgressBar
        >>> out = io.StringIO()
        >>> bar = ProgressBar(out)  # not a terminal: one line per epoch
        >>> bar.on_train_begin({"epochs": 2, "initial_epoch": 0, "steps": 3})
        >>> bar.on_epoch_end(1, {"epoch": 1, "train_loss": 0.25, "lr": 0.1, "time": 1.5})
        >>> out.getvalue()
        'epoch 1/2  loss 0.2500  lr 0.1  1.50s\\n'
    """

    def __init__(self, stream=None, live=None):
        self.stream = sys.stderr if stream is None else stream
        self.live = is_terminal(self.stream) if live is None else bool(live)
        self.epochs = self.steps = 0
        self._width = 0

    def on_train_begin(self, logs):
        self.epochs, self.steps = logs["epochs"], logs["steps"]

    def on_epoch_begin(self, epoch, logs):
        self._epoch = epoch
        self._start = self._drawn_at = time.perf_counter()
        self._samples = 0
        self._loss_total = 0.0

    def on_batch_end(self, batch, logs):
        self._samples += logs["size"]
        self._loss_total += logs["loss"] * logs["size"]
        now = time.perf_counter()
        if self.live and (now - self._drawn_at >= REDRAW_INTERVAL or batch == self.steps):
            self._drawn_at = now
            self._draw(self._batch_line(batch, now - self._start))

    def on_epoch_end(self, epoch, logs):
        line = epoch_line(epoch, self.epochs, logs)
        if self.live:
            self._draw(line)
        self.stream.write(("" if self.live else line) + "\n")
        self.stream.flush()
        self._width = 0

    def close(self):
        """End a progress line that an interruption left open."""
        if self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0

    def _batch_line(self, batch, elapsed):
        done = batch / self.steps if self.steps else 1.0
        filled = int(done * BAR_WIDTH)
        bar = "=" * filled + (">" if filled < BAR_WIDTH else "") + " " * (BAR_WIDTH - filled - 1)
        rate = self._samples / elapsed if elapsed > 0 else 0.0
        left = elapsed / batch * (self.steps - batch) if batch else 0.0
        loss = self._loss_total / self._samples if self._samples else float("nan")
        return (
            f"epoch {self._epoch}/{self.epochs} [{bar}] {batch}/{self.steps}  "
            f"loss {loss:.4f}  {rate:,.0f} samples/s  ETA {clock(left)}"
        )

    def _draw(self, line):
        # Pad with spaces over the end of a longer previous line; \r returns to the start.
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)


def epoch_line(epoch, epochs, logs):
    """One epoch's summary: ``epoch 3/10  loss 0.1234  accuracy 96.10%  ...  lr 0.1  1.2s``."""
    parts = [f"epoch {epoch}/{epochs}"]
    for key, value in logs.items():
        if key in ("epoch", "lr", "time") or value is None:
            continue
        name = key.removeprefix("train_")
        parts.append(f"{name} {value:.2%}" if key.endswith("accuracy") else f"{name} {value:.4f}")
    if logs.get("lr") is not None:
        parts.append(f"lr {logs['lr']:.3g}")
    if logs.get("time") is not None:
        parts.append(seconds(logs["time"]))
    return "  ".join(parts)


def seconds(value):
    """A duration for people: ``0.042s``, ``1.25s``, ``93.1s``."""
    return f"{value:.3f}s" if value < 1 else f"{value:.2f}s" if value < 10 else f"{value:.1f}s"


def clock(value):
    """Seconds as m:ss, or h:mm:ss from an hour on."""
    minutes, secs = divmod(int(round(value)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def is_terminal(stream):
    """Whether ``stream`` is an interactive terminal (False when it cannot tell)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


__all__ = ["ProgressBar"]
