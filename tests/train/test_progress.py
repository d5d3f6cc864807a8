"""The progress display: quiet when stderr is not a terminal, redrawn in place when it is."""

import io
import sys

import pytest

from chainrule.train import Callback, ProgressBar, fit
from chainrule.train import progress as progress_module
from chainrule.train.progress import clock, epoch_line

from tests.train.problems import loaders, setup


class Terminal(io.StringIO):
    def isatty(self):
        return True


def train(epochs=2, **options):
    model, loss_fn, optimizer = setup()
    train_loader, val_loader = loaders()
    return fit(model, loss_fn, optimizer, train_loader, epochs, val_loader=val_loader, **options)


@pytest.mark.parametrize("progress", [None, False])
def test_progress_is_silent_when_stderr_is_not_a_terminal(capsys, progress):
    train(progress=progress)
    assert capsys.readouterr() == ("", "")


def test_progress_true_writes_one_line_per_epoch_when_not_a_terminal(capsys):
    history = train(epochs=3, progress=True)
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 3 and "\r" not in err
    for epoch, line in enumerate(lines, 1):
        assert line.startswith(f"epoch {epoch}/3  loss {history['train_loss'][epoch - 1]:.4f}  ")
        assert f"val_accuracy {history['val_accuracy'][epoch - 1]:.2%}  lr 0.1  " in line


def test_progress_redraws_one_line_in_place_on_a_terminal(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(progress_module, "REDRAW_INTERVAL", 0.0)  # draw after every batch
    train(epochs=2)  # progress=None: live, since stderr is a terminal
    text = terminal.getvalue()
    assert text.count("\n") == 2  # the lines of the batches are redrawn, not added
    epochs = text.split("\n")[:2]
    for epoch, drawn in enumerate(epochs, 1):
        frames = drawn.split("\r")[1:]
        assert len(frames) == 4 + 1  # four batches, then the epoch's summary
        assert frames[0].startswith(f"epoch {epoch}/2 [=====>              ] 1/4  loss ")
        assert "samples/s  ETA 0:00" in frames[0]
        assert frames[3].startswith(f"epoch {epoch}/2 [====================] 4/4  loss ")
        assert frames[4].startswith(f"epoch {epoch}/2  loss ")
        assert len(frames[4]) >= len(frames[3])  # padded over the longer batch line


def test_an_interrupted_run_ends_the_progress_line(monkeypatch):
    class Interrupt(Callback):
        def on_batch_end(self, batch, logs):
            if batch == 2:
                raise KeyboardInterrupt

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(progress_module, "REDRAW_INTERVAL", 0.0)
    with pytest.raises(KeyboardInterrupt):
        train(epochs=2, callbacks=[Interrupt()])
    text = terminal.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")  # the open line was ended
    assert text.split("\r")[-1].startswith("epoch 1/2 [==========>         ] 2/4  loss ")


def test_progress_bar_writes_to_the_stream_it_is_given():
    stream = io.StringIO()
    bar = ProgressBar(stream, live=False)
    bar.on_train_begin({"epochs": 1, "initial_epoch": 0, "steps": 2})
    bar.on_epoch_begin(1, {"lr": 0.1})
    bar.on_batch_end(1, {"loss": 0.5, "size": 4})
    bar.on_epoch_end(1, {"epoch": 1, "train_loss": 0.5, "lr": 0.1, "time": 0.25})
    assert stream.getvalue() == "epoch 1/1  loss 0.5000  lr 0.1  0.250s\n"


def test_epoch_line_shows_losses_accuracies_as_percentages_lr_and_time():
    logs = {
        "epoch": 3,
        "train_loss": 0.12345,
        "train_accuracy": 0.961,
        "val_loss": 0.2,
        "val_accuracy": 0.95,
        "lr": 0.001,
        "time": 12.34,
    }
    assert epoch_line(3, 10, logs) == (
        "epoch 3/10  loss 0.1235  accuracy 96.10%  val_loss 0.2000  val_accuracy 95.00%  "
        "lr 0.001  12.3s"
    )


@pytest.mark.parametrize("seconds, text", [(0, "0:00"), (75.4, "1:15"), (3725, "1:02:05")])
def test_time_left_reads_as_a_clock(seconds, text):
    assert clock(seconds) == text
