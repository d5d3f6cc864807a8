"""The ``chainrule`` command line: one subcommand per task, all on the public API.

A subcommand is a function that adds its parser to the subparsers and sets ``run`` to the
function that carries it out; ``run(args)`` returns the exit status. Bad input and failures end
in one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import math
import os
import sys

import chainrule as cr
from chainrule import checkpoint, data, nn, optim, train
from chainrule._version import __version__
from chainrule.cli import check as commands_check
from chainrule.cli import explain as commands_explain
from chainrule.cli import graph as commands_graph
from chainrule.cli.errors import CommandError


class UsageError(Exception):
    """Input the command line cannot act on; the message is shown as it is."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error becomes one line (main prints it) instead of an exit."""

    def error(self, message):
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


# --- chainrule demo ---------------------------------------------------------------------------

# The sigmoid as the chain of its four steps: (step, local derivative as a formula, the step).
SIGMOID_STEPS = (
    ("a = -x", "da/dx = -1", lambda u: -u),
    ("b = exp(a)", "db/da = exp(a)", lambda u: cr.exp(u)),
    ("c = 1 + b", "dc/db = 1", lambda u: 1 + u),
    ("d = 1 / c", "dd/dc = -1/c²", lambda u: 1 / u),
)

# exp(-x) overflows float64 below x = -709.78; a round bound is easier to state.
DEMO_X_BOUND = 700.0


def add_demo(subparsers):
    demo = subparsers.add_parser(
        "demo",
        help="the chain rule at work on the sigmoid, step by step",
        description=(
            "Write the sigmoid σ(x) = 1 / (1 + exp(-x)) as four steps, show each step's value "
            "and local derivative, multiply the chain, and check that backward() and the "
            "closed form σ(x)·(1 − σ(x)) give the same derivative."
        ),
    )
    demo.add_argument("--x", type=float, default=0.5, help="where to differentiate (default 0.5)")
    demo.set_defaults(run=run_demo)


def run_demo(args):
    x_value = args.x
    if not (math.isfinite(x_value) and abs(x_value) <= DEMO_X_BOUND):
        raise UsageError(
            f"chainrule demo: --x must be a finite number between -{DEMO_X_BOUND:g} and "
            f"{DEMO_X_BOUND:g} (exp(-x) overflows below about -709), got {x_value:g}"
        )
    links = chain_links(x_value)
    print(f"σ(x) = 1 / (1 + exp(-x)) as a chain of {len(links)} steps, at x = {x_value:g}\n")
    print(f"  {'step':<12}{'value':>12}   local derivative")
    for (step, formula, _), (value, derivative) in zip(SIGMOID_STEPS, links):
        print(f"  {step:<12}{value:>12.6g}   {formula:<16}= {derivative:.6g}")

    product = math.prod(derivative for _, derivative in links)
    factors = "·".join(f"({derivative:.6g})" for _, derivative in reversed(links))
    x = cr.tensor(x_value, requires_grad=True)
    sigmoid = sigmoid_by_steps(x)
    sigmoid.backward()
    by_backward = x.grad.item()
    sigma = sigmoid.item()
    closed_form = sigma * (1 - sigma)
    print(f"\nchain rule:   dd/dx = dd/dc · dc/db · db/da · da/dx = {factors} = {product:.6g}")
    print(f"backward():   x.grad = {by_backward:.6g}")
    print(f"closed form:  σ(x)·(1 − σ(x)) = {closed_form:.6g}")
    values = (product, by_backward, closed_form)
    difference = max(values) - min(values)
    # The closed form loses digits to cancellation in 1 − σ(x) for large x, hence abs_tol.
    agree = all(math.isclose(v, product, rel_tol=1e-9, abs_tol=1e-12) for v in values)
    print(f"agree: {'yes' if agree else 'NO'} (largest difference {difference:.1e})")
    return 0 if agree else 1


def chain_links(x_value):
    """Each step's (value, local derivative), the derivative found by backward() on that step."""
    links = []
    value = x_value
    for _, _, step in SIGMOID_STEPS:
        u = cr.tensor(value, requires_grad=True)
        out = step(u)
        out.backward()
        value = out.item()
        links.append((value, u.grad.item()))
    return links


def sigmoid_by_steps(x):
    for _, _, step in SIGMOID_STEPS:
        x = step(x)
    return x


# --- chainrule train --------------------------------------------------------------------------

DATASETS = {"digits": None, "mnist": data.load_mnist, "fashion-mnist": data.load_fashion_mnist}
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "gelu": nn.GELU, "sigmoid": nn.Sigmoid}
OPTIMIZERS = {"sgd": optim.SGD, "adam": optim.Adam, "adamw": optim.AdamW, "rmsprop": optim.RMSprop}
# The learning rate when none is given: one that trains the default MLP well on the digits.
DEFAULT_LR = {"sgd": 0.1, "adam": 0.001, "adamw": 0.001, "rmsprop": 0.001}
# The settings that make a run; --resume takes them from the checkpoint.
TRAIN_DEFAULTS = {
    "dataset": "digits",
    "hidden": [128],
    "activation": "relu",
    "optimizer": "sgd",
    "lr": None,
    "momentum": 0.9,
    "batch_size": 32,
    "seed": 0,
    "test_size": 0.2,
}


def plural(number, noun):
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def count(text):
    """An argparse type: an int >= 0."""
    return _number(text, int, lambda value: value >= 0, "an integer >= 0")


def positive_int(text):
    """An argparse type: an int >= 1."""
    return _number(text, int, lambda value: value >= 1, "an integer >= 1")


def positive_float(text):
    """An argparse type: a finite float > 0."""
    return _number(text, float, lambda value: 0 < value < math.inf, "a number > 0")


def momentum(text):
    """An argparse type: a float in [0, 1)."""
    return _number(text, float, lambda value: 0 <= value < 1, "a number in [0, 1)")


def share(text):
    """An argparse type: a float strictly between 0 and 1."""
    return _number(text, float, lambda value: 0 < value < 1, "a number between 0 and 1")


def _number(text, kind, accept, expected):
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not accept(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


# (flag, help, argparse settings); a default in the help is the one TRAIN_DEFAULTS gives.
TRAIN_OPTIONS = (
    ("--dataset", "digits (built in), mnist or fashion-mnist (downloaded)", {"choices": DATASETS}),
    (
        "--epochs",
        "epochs in all, counting those of a resumed run (10)",
        {"type": count, "default": 10},
    ),
    (
        "--hidden",
        "units per hidden layer, e.g. --hidden 256 128 (128)",
        {"type": positive_int, "nargs": "+", "metavar": "UNITS"},
    ),
    ("--activation", "the hidden layers' activation (relu)", {"choices": ACTIVATIONS}),
    ("--optimizer", "the update rule (sgd)", {"choices": OPTIMIZERS}),
    ("--lr", "the learning rate (0.1 for sgd, else 0.001)", {"type": positive_float}),
    ("--momentum", "SGD momentum, in [0, 1) (0.9)", {"type": momentum}),
    ("--batch-size", "examples per step (32)", {"type": positive_int}),
    ("--seed", "seeds the weights, the test split and the order (0)", {"type": count}),
    ("--test-size", "digits: the share held out for testing (0.2)", {"type": share}),
    ("--save", "write the run to PATH after every epoch", {"metavar": "PATH"}),
    ("--resume", "go on with a run written by --save", {"metavar": "PATH"}),
)


def add_train(subparsers):
    command = subparsers.add_parser(
        "train",
        help="train a small neural network (an MLP) on handwritten digits",
        description=(
            "Train a multilayer perceptron by gradient descent: each batch takes a forward "
            "pass, the cross-entropy loss, a backward pass (the chain rule, by chainrule) and "
            "an optimizer step. Shows the progress per epoch on stderr and ends with the "
            "accuracy on held-out test images. Defaults: the built-in 8x8 digits (no "
            "download), one hidden layer of 128 ReLU units, SGD with momentum 0.9, 10 epochs. "
            "A run saved with --save goes on with --resume (its settings come from the file; "
            "--epochs is the total)."
        ),
    )
    for flag, text, settings in TRAIN_OPTIONS:
        command.add_argument(flag, help=text, **settings)
    command.set_defaults(run=run_train)


def run_train(args):
    try:
        config, done = train_config(args)
        x_train, x_test, y_train, y_test = load_split(config)
        sizes = [x_train.shape[1], *config["hidden"], int(y_train.max()) + 1]
        cr.manual_seed(config["seed"])
        model = mlp(sizes, ACTIVATIONS[config["activation"]])
        optimizer = make_optimizer(config, model.parameters())
        describe_run(config, sizes, len(x_train), len(x_test), args, done)
        train_batches = data.DataLoader(
            data.ArrayDataset(x_train, y_train),
            config["batch_size"],
            shuffle=True,
            seed=config["seed"],
        )
        history = train.fit(
            model,
            nn.CrossEntropyLoss(),
            optimizer,
            train_batches,
            args.epochs,
            seed=config["seed"],
            progress=True,
            checkpoint=args.save,
            checkpoint_extra={"config": config},
            resume=args.resume,
        )
        test_batches = data.DataLoader(data.ArrayDataset(x_test, y_test), batch_size=1024)
        scores = train.evaluate(model, nn.CrossEntropyLoss(), test_batches)
    except (checkpoint.CheckpointError, OSError, ValueError) as error:
        raise UsageError(f"chainrule train: {error}") from None
    report_run(history, scores, len(x_test), args.save)
    return 0


def train_config(args):
    """The run's settings and the epochs it has done: the command line's settings over the
    defaults, or those of the run that --resume names."""
    if args.save is not None and not os.path.isdir(os.path.dirname(args.save) or "."):
        raise UsageError(f"chainrule train: --save {args.save}: no such folder")
    given = {key: getattr(args, key) for key in TRAIN_DEFAULTS if getattr(args, key) is not None}
    if args.resume is not None:
        return resumed_config(args.resume, given)
    config = {**TRAIN_DEFAULTS, **given}
    config["lr"] = config["lr"] or DEFAULT_LR[config["optimizer"]]
    if config["optimizer"] != "sgd" and "momentum" in given:
        raise UsageError("chainrule train: --momentum goes with --optimizer sgd")
    if config["dataset"] != "digits" and "test_size" in given:
        raise UsageError(
            "chainrule train: --test-size goes with --dataset digits (MNIST and "
            "Fashion-MNIST come with their own test images)"
        )
    return config, 0


def resumed_config(path, given):
    saved = checkpoint.load(path)
    if not isinstance(saved, dict) or not isinstance(saved.get("config"), dict):
        raise UsageError(
            f"chainrule train: {path} was not written by 'chainrule train --save', so it "
            "holds no settings to resume"
        )
    config = saved["config"]
    for key, value in given.items():
        if value != config.get(key):
            raise UsageError(
                f"chainrule train: --{key.replace('_', '-')} {setting(value)} differs from "
                f"the resumed run's {setting(config.get(key))}; leave it out"
            )
    return config, saved["epoch"]


def setting(value):
    """A setting as it is typed on the command line: ``256 128`` for a list."""
    return " ".join(map(str, value)) if isinstance(value, list) else str(value)


def load_split(config):
    """``x_train, x_test, y_train, y_test``: images as float32 rows of pixels in [0, 1]."""
    load = DATASETS[config["dataset"]]
    if load is None:
        images, labels = data.load_digits(flatten=True)
        return data.train_test_split(
            images, labels, test_size=config["test_size"], seed=config["seed"], stratify=labels
        )
    (x_train, y_train), (x_test, y_test) = load(flatten=True), load(train=False, flatten=True)
    return x_train, x_test, y_train, y_test


def mlp(sizes, activation):
    """Linear layers of the given sizes, with ``activation`` between them."""
    layers = []
    for fan_in, fan_out in zip(sizes[:-2], sizes[1:-1]):
        layers += [nn.Linear(fan_in, fan_out), activation()]
    return nn.Sequential(*layers, nn.Linear(sizes[-2], sizes[-1]))


def make_optimizer(config, parameters):
    if config["optimizer"] == "sgd":
        return optim.SGD(parameters, lr=config["lr"], momentum=config["momentum"])
    return OPTIMIZERS[config["optimizer"]](parameters, lr=config["lr"])


def describe_run(config, sizes, train_size, test_size, args, done):
    shape = "-".join(str(size) for size in sizes)
    settings = f"lr {config['lr']:g}"
    if config["optimizer"] == "sgd":
        settings += f", momentum {config['momentum']:g}"
    print(
        f"training an MLP {shape} ({config['activation']}) on {config['dataset']}: "
        f"{train_size} training and {test_size} test images"
    )
    print(
        f"{config['optimizer']} ({settings}), batch size {config['batch_size']}, "
        f"{plural(args.epochs, 'epoch')}, seed {config['seed']}",
        flush=True,
    )
    if args.resume is not None:
        print(f"resuming {args.resume} after epoch {done}", flush=True)


def report_run(history, scores, test_size, saved_to):
    correct = round(scores["accuracy"] * test_size)
    seconds = sum(history["time"]) if len(history) else 0.0
    print(
        f"test accuracy: {scores['accuracy']:.2%} ({correct}/{test_size}), test loss "
        f"{scores['loss']:.4f}; {plural(len(history), 'epoch')} in {seconds:.2f} s"
    )
    if saved_to is not None:
        print(f"saved the run to {saved_to} (go on with --resume {saved_to})")


# --- chainrule graph (the code is in chainrule/cli/graph.py) -----------------


def add_graph(subparsers):
    commands_graph.add_parser(subparsers).set_defaults(
        run=_one_line_errors("graph", commands_graph.run)
    )


# --- chainrule diff and explain (the code is in chainrule/cli/explain.py) ----


def add_diff(subparsers):
    commands_explain.add_diff(subparsers).set_defaults(
        run=_one_line_errors("diff", commands_explain.run_diff)
    )


def add_explain(subparsers):
    commands_explain.add_explain(subparsers).set_defaults(
        run=_one_line_errors("explain", commands_explain.run_explain)
    )


# --- chainrule check (the code is in chainrule/cli/check.py) ----------------


def add_check(subparsers):
    commands_check.add_check(subparsers).set_defaults(
        run=_one_line_errors("check", commands_check.run)
    )


def _one_line_errors(name, run):
    """``run``, with the explanation commands' CommandError shown as this CLI's one line."""

    def run_command(args):
        try:
            return run(args)
        except CommandError as error:
            raise UsageError(f"chainrule {name}: {error}") from None

    return run_command


# --- the command ------------------------------------------------------------------------------

SUBCOMMANDS = (add_demo, add_train, add_graph, add_diff, add_explain, add_check)


def build_parser():
    parser = Parser(
        prog="chainrule",
        description="chainrule: automatic differentiation for NumPy that shows its work.",
        epilog="Run 'chainrule COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"chainrule {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for add_subcommand in SUBCOMMANDS:
        add_subcommand(subparsers)
    return parser


def main(argv=None):
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``) and return the exit status."""
    # A console that cannot encode σ or · should get a '?' rather than a failure.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
        return args.run(args)
    except SystemExit as done:  # --help and --version end here
        return done.code
    except UsageError as error:
        print(error, file=sys.stderr)
    except KeyboardInterrupt:
        print("chainrule: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001  (a command line shows one line, not a traceback)
        print(f"chainrule: error: {type(error).__name__}: {error}", file=sys.stderr)
    return 2


__all__ = ["main"]
