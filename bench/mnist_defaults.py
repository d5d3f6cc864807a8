"""The sweep that chose ``chainrule train``'s learning rate on MNIST (and Fashion-MNIST): the
MLP 784-256-10 as ``chainrule train --dataset mnist --hidden 256`` trains it, at several rates,
chosen on held-out training images, then measured on the test images.

    python bench/mnist_defaults.py       # about 6 minutes on one CPU; needs the MNIST files

The files must be in the cache (docs/data.md: downloaded once, or put there by hand). The
digits' default rate (0.3, with momentum 0.9) is too large for 784 inputs: the loss jumps
about for the first epochs and the run ends near 94.6%. Each rate here trains on the first
50,000 training images and is scored on the other 10,000 (seed 10); the rule takes the highest
validation accuracy. The test images play no part in the choice; the chosen rate is then
trained on all 60,000 and measured on them, with seeds 0, 1 and 2. The report goes to stdout
and to bench/MNIST-DEFAULTS.md; docs/training.md quotes it.
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import isolation  # noqa: E402

isolation.limit_threads()  # before NumPy loads: one BLAS thread

import argparse  # noqa: E402
import datetime  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import chainrule as cr  # noqa: E402
from chainrule import data, nn, train  # noqa: E402
from chainrule.cli import run_settings  # noqa: E402

RATES = (0.01, 0.03, 0.05, 0.1, 0.3)
EPOCHS = 10
SELECTION_SEED = 10
NAMED_SEEDS = (0, 1, 2)
VALIDATION = 10_000


def settings(lr, seed):
    return run_settings.completed(
        {**run_settings.TRAIN_DEFAULTS, "dataset": "mnist", "hidden": [256], "lr": lr, "seed": seed}
    )


def train_once(config, x_train, y_train, x_test, y_test):
    """Test accuracy and training seconds of one run, built as ``chainrule train`` builds it."""
    cr.manual_seed(config["seed"])
    model, _ = run_settings.build_model(config, x_train.shape[1:], 10)
    optimizer, scheduler = run_settings.make_optimizer(config, model.parameters())
    loader = data.DataLoader(
        data.ArrayDataset(x_train, y_train), 32, shuffle=True, seed=config["seed"]
    )
    start = time.process_time()
    train.fit(
        model,
        nn.CrossEntropyLoss(),
        optimizer,
        loader,
        EPOCHS,
        scheduler=scheduler,
        seed=config["seed"],
        progress=False,
    )
    seconds = time.process_time() - start
    test = data.DataLoader(data.ArrayDataset(x_test, y_test), batch_size=1000)
    return train.evaluate(model, nn.CrossEntropyLoss(), test)["accuracy"], seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "bench" / "MNIST-DEFAULTS.md"))
    parser.add_argument("--no-save", action="store_true", help="print the report only")
    args = parser.parse_args(argv)
    isolation.pin(isolation.default_cpu())
    began = time.perf_counter()
    x_train, x_test, y_train, y_test = run_settings.load_split(settings(RATES[0], 0))
    fit_part, held_out = slice(0, -VALIDATION), slice(-VALIDATION, None)
    rows = {}
    for lr in RATES:
        rows[lr] = train_once(
            settings(lr, SELECTION_SEED),
            x_train[fit_part],
            y_train[fit_part],
            x_train[held_out],
            y_train[held_out],
        )
        print(f"lr {lr:g}: validation accuracy {rows[lr][0]:.4f}", file=sys.stderr, flush=True)
    chosen = max(RATES, key=lambda lr: rows[lr][0])
    named = [
        (seed, *train_once(settings(chosen, seed), x_train, y_train, x_test, y_test))
        for seed in NAMED_SEEDS
    ]
    text = render(rows, chosen, named, time.perf_counter() - began)
    print(text)
    if not args.no_save:
        pathlib.Path(args.output).write_text(text, encoding="utf-8")


def render(rows, chosen, named, elapsed):
    lines = [
        "# MNIST defaults: the learning-rate sweep",
        "",
        f"Command: `python bench/mnist_defaults.py` · {datetime.date.today()} · "
        f"{elapsed / 60:.1f} min · Python {platform.python_version()} · NumPy {np.__version__}"
        " · one thread",
        "",
        f"MLP 784-256-10 (ReLU), SGD with momentum 0.9, lr·0.8^(epoch−1), batches of 32, "
        f"{EPOCHS} epochs, as `chainrule train --dataset mnist --hidden 256` trains it. Chosen "
        f"on validation: trained on the first 50,000 training images and scored on the last "
        f"{VALIDATION:,}, seed {SELECTION_SEED}. CPU seconds of training per run.",
        "",
        "| lr | validation accuracy | seconds |",
        "|---:|---:|---:|",
    ]
    for lr, (accuracy, seconds) in rows.items():
        mark = " **chosen**" if lr == chosen else " (the digits' rate)" if lr == 0.3 else ""
        lines.append(f"| {lr:g}{mark} | {accuracy:.4f} | {seconds:.1f} |")
    lines += [
        "",
        f"lr {chosen:g} trained on all 60,000 training images, measured on the 10,000 test images:",
        "",
        "| seed | test accuracy | seconds |",
        "|---:|---:|---:|",
    ]
    lines += [f"| {seed} | {accuracy:.4f} | {seconds:.1f} |" for seed, accuracy, seconds in named]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
