"""One epoch of ``chainrule train``'s default training on the digits, three ways: chainrule's
``fit`` (as it runs by default, and with ``jit=False``), the same training hand-written in
NumPy, and PyTorch on CPU.

    python bench/digits_epoch.py          # under a minute; PyTorch is optional (the bench extra)

The network, data, order and update are the defaults' (MLP 64-512-10 with ReLU, SGD with lr 0.3
and momentum 0.9, batches of 32 over the 1,437 training images of seed 0, the loader's seeded
order); each way also sums the epoch's loss and counts its correct predictions, as ``fit`` does.
All three start from the same weights and must end the first epoch with the same weights before
anything is timed. Then each trains 10 epochs from that start, in turn, ten times (chainrule
in one ``fit`` call per run, its epochs timed by a callback); one thread, one CPU; CPU time per
epoch, the median, and per run. The report goes to stdout and to
bench/DIGITS-EPOCH.md; docs/training.md quotes it.
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import isolation  # noqa: E402

isolation.limit_threads()

import argparse  # noqa: E402
import datetime  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import chainrule as cr  # noqa: E402
from chainrule import data, nn, train  # noqa: E402
from chainrule.cli import run_settings  # noqa: E402

CONFIG = run_settings.completed({**run_settings.TRAIN_DEFAULTS, "schedule": "constant"})
SEED = 0
EPOCHS = 10  # a run of the defaults; later epochs would time what no default run does


def digits_split():
    x_train, _, y_train, _ = run_settings.load_split(CONFIG)
    return x_train, y_train


def order(epoch, count):
    """The loader's order of ``epoch`` (docs/data.md: ``default_rng([seed, epoch])``)."""
    return np.random.default_rng([SEED, epoch]).permutation(count)


class Chainrule:
    label = f"chainrule {cr.__version__} (fit)"
    # The step traced once and replayed: what fit's default (jit=None) takes for ``chainrule
    # train``, whose callbacks are chainrule's own. It would not trust this bench's clock
    # callback to leave the model alone, so the bench says jit=True.
    jit = True

    def __init__(self, x, y):
        self.x, self.y = x, y
        self.start()

    def start(self):
        """Fresh weights (the same every time), optimizer and order, as a new run has."""
        cr.manual_seed(SEED)
        self.model, _ = run_settings.build_model(CONFIG, self.x.shape[1:], 10)
        self.optimizer, _ = run_settings.make_optimizer(CONFIG, self.model.parameters())
        dataset = data.ArrayDataset(self.x, self.y)
        self.loader = data.DataLoader(dataset, 32, shuffle=True, seed=SEED)

    def epoch(self):
        history = train.fit(
            self.model,
            nn.CrossEntropyLoss(),
            self.optimizer,
            self.loader,
            1,
            progress=False,
            jit=self.jit,
        )
        return history["train_loss"][0]

    def timed_epochs(self, count):
        """CPU seconds of each epoch of one ``fit`` call of ``count`` epochs (as ``chainrule
        train`` runs them: the step is traced in the first epoch and replayed after)."""
        clock = EpochClock()
        train.fit(
            self.model,
            nn.CrossEntropyLoss(),
            self.optimizer,
            self.loader,
            count,
            progress=False,
            callbacks=[clock],
            jit=self.jit,
        )
        return clock.seconds

    def weights(self):
        return [p.numpy().copy() for p in self.model.parameters()]


class EagerChainrule(Chainrule):
    label = f"chainrule {cr.__version__} (fit, jit=False)"
    jit = False  # every step recorded and swept back by the engine


class EpochClock(train.Callback):
    """The CPU time of each epoch, from its first step to the end of its record."""

    def __init__(self):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs):
        self.start = time.process_time()

    def on_epoch_end(self, epoch, logs):
        self.seconds.append(time.process_time() - self.start)


def timed_epochs(way, count):
    """CPU seconds of each of ``count`` epochs of a way that trains one epoch per call."""
    seconds = []
    for _ in range(count):
        start = time.process_time()
        way.epoch()
        seconds.append(time.process_time() - start)
    return seconds


class HandWritten:
    label = "hand-written NumPy"

    def __init__(self, x, y, weights):
        self.x, self.y, self.initial = x, y, weights
        self.start()

    def start(self):
        self.params = [w.copy() for w in self.initial]  # W1 (512, 64), b1, W2 (10, 512), b2
        self.buffers = [None] * 4
        self.epochs = 0

    def epoch(self):
        total, correct = 0.0, 0
        for rows in np.array_split(order(self.epochs, len(self.y)), range(32, len(self.y), 32)):
            loss, hits = self.step(self.x[rows], self.y[rows])
            total, correct = total + loss * len(rows), correct + hits
        self.epochs += 1
        return total / len(self.y)

    def step(self, x, y):
        W1, b1, W2, b2 = self.params
        pre = x @ W1.T + b1
        hidden = np.maximum(pre, 0)
        logits = hidden @ W2.T + b2
        shifted = logits - logits.max(axis=1, keepdims=True)
        exps = np.exp(shifted)
        sums = exps.sum(axis=1, keepdims=True)
        rows = np.arange(len(y))
        loss = float(np.mean(np.log(sums[:, 0]) - shifted[rows, y]))
        grad_logits = exps / sums
        grad_logits[rows, y] -= 1
        grad_logits /= len(y)
        grad_hidden = (grad_logits @ W2) * (pre > 0)
        grads = (grad_hidden.T @ x, grad_hidden.sum(0), grad_logits.T @ hidden, grad_logits.sum(0))
        self.update(grads)
        return loss, int(np.count_nonzero(logits.argmax(axis=1) == y))

    def update(self, grads):
        lr, momentum = CONFIG["lr"], CONFIG["momentum"]
        for i, (param, grad) in enumerate(zip(self.params, grads)):
            if self.buffers[i] is None:
                self.buffers[i] = grad.copy()
            else:
                self.buffers[i] *= momentum
                self.buffers[i] += grad
            param -= lr * self.buffers[i]

    def weights(self):
        return self.params

    def timed_epochs(self, count):
        return timed_epochs(self, count)


class PyTorch:
    def __init__(self, x, y, weights):
        import torch

        torch.set_num_threads(1)
        self.torch = torch
        self.label = f"PyTorch {torch.__version__} (CPU)"
        self.x, self.y, self.initial = torch.from_numpy(x), torch.from_numpy(y), weights
        self.model = torch.nn.Sequential(
            torch.nn.Linear(64, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10)
        )
        self.start()

    def start(self):
        with self.torch.no_grad():
            for param, value in zip(self.model.parameters(), self.initial):
                param.copy_(self.torch.from_numpy(value))
        self.optimizer = self.torch.optim.SGD(
            self.model.parameters(), lr=CONFIG["lr"], momentum=CONFIG["momentum"]
        )
        self.epochs = 0

    def epoch(self):
        torch, total, correct = self.torch, 0.0, 0
        for rows in torch.from_numpy(order(self.epochs, len(self.y))).split(32):
            x, y = self.x[rows], self.y[rows]
            output = self.model(x)
            loss = torch.nn.functional.cross_entropy(output, y)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            total += loss.item() * len(rows)
            correct += int((output.argmax(1) == y).sum())
        self.epochs += 1
        return total / len(self.y)

    def weights(self):
        return [p.detach().numpy().copy() for p in self.model.parameters()]

    def timed_epochs(self, count):
        return timed_epochs(self, count)


def contenders(x, y):
    ours = Chainrule(x, y)
    ways = [ours, EagerChainrule(x, y), HandWritten(x, y, ours.weights())]
    try:
        ways.append(PyTorch(x, y, ours.weights()))
    except ImportError:
        print(
            "PyTorch is not installed (pip install -e '.[bench]'): timing without it",
            file=sys.stderr,
        )
    return ways


def check(ways):
    """One epoch each from the same weights: the same loss and the same weights after it."""
    losses = [way.epoch() for way in ways]
    reference = ways[0].weights()
    for way, loss in zip(ways[1:], losses[1:]):
        np.testing.assert_allclose(loss, losses[0], rtol=1e-4, err_msg=way.label)
        for ours, theirs in zip(reference, way.weights()):
            np.testing.assert_allclose(theirs, ours, rtol=1e-3, atol=1e-5, err_msg=way.label)
    return losses[0]


def time_epochs(ways, runs):
    """``runs`` times, each way in turn trains EPOCHS epochs from the same fresh start (as
    ``chainrule train`` does), each epoch timed: so every way times the same epochs. Returns
    the epochs' milliseconds and each run's total (its first epoch included)."""
    times = {way.label: [] for way in ways}
    totals = {way.label: [] for way in ways}
    for _ in range(runs):
        for way in ways:
            way.start()
            seconds = way.timed_epochs(EPOCHS)
            times[way.label] += seconds
            totals[way.label].append(sum(seconds))
    milliseconds = {label: np.array(values) * 1e3 for label, values in times.items()}
    return milliseconds, {label: np.array(values) * 1e3 for label, values in totals.items()}


def render(times, totals, loss, runs, elapsed):
    ours, limit = times[Chainrule.label], times[HandWritten.label]
    lines = [
        "# One digits epoch: chainrule, hand-written NumPy, PyTorch",
        "",
        f"Command: `python bench/digits_epoch.py` · {datetime.date.today()} · {elapsed:.0f} s · "
        f"Python {platform.python_version()} · NumPy {np.__version__} · one thread, one CPU · "
        f"CPU time, median of {runs * EPOCHS} epochs each ({runs} runs of {EPOCHS} from the "
        "same start, the ways taking turns)",
        "",
        f"The defaults' training: MLP 64-512-10 (ReLU), SGD lr {CONFIG['lr']:g} momentum "
        f"{CONFIG['momentum']:g}, batches of 32 over 1,437 digits (45 steps), with the "
        f"epoch's loss and accuracy. Checked first: one epoch from the same weights gives the "
        f"same weights and loss ({loss:.4f}) in every way. The last column is a whole run of "
        f"{EPOCHS} epochs (the median of the {runs}), its first epoch included: that is where "
        "fit traces its step (once per batch shape: 32 and the last batch's 29).",
        "",
        "| way | ms per epoch | min | max | chainrule ÷ this | ms per run |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, values in times.items():
        ratio = np.median(ours) / np.median(values)
        lines.append(
            f"| {label} | {np.median(values):.2f} | {values.min():.2f} | "
            f"{values.max():.2f} | {ratio:.2f} | {np.median(totals[label]):.1f} |"
        )
    lines += ["", f"chainrule ÷ hand-written: {np.median(ours) / np.median(limit):.2f}"]
    for label, values in times.items():
        if label.startswith("PyTorch"):
            lines.append(f"chainrule ÷ PyTorch: {np.median(ours) / np.median(values):.2f}")
    eager = times[EagerChainrule.label]
    lines.append(
        f"chainrule with jit=False ÷ hand-written: {np.median(eager) / np.median(limit):.2f}"
    )
    whole = np.median(totals[Chainrule.label]) / np.median(totals[HandWritten.label])
    lines.append(f"a whole {EPOCHS}-epoch run, chainrule ÷ hand-written: {whole:.2f}")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="10-epoch runs per way (10)")
    parser.add_argument("--output", default=str(ROOT / "bench" / "DIGITS-EPOCH.md"))
    parser.add_argument("--no-save", action="store_true", help="print the report only")
    args = parser.parse_args(argv)
    isolation.pin(isolation.default_cpu())
    start = time.perf_counter()
    x, y = digits_split()
    ways = contenders(x, y)
    loss = check(ways)
    times, totals = time_epochs(ways, args.runs)
    text = render(times, totals, loss, args.runs, time.perf_counter() - start)
    print(text)
    if not args.no_save:
        pathlib.Path(args.output).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
