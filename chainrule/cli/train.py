"""``chainrule train``: an MLP trained by gradient descent on the digits, MNIST or Fashion-MNIST,
with progress per epoch, a test score at the end, and runs saved and resumed.
"""

from __future__ import annotations

import os

import chainrule as cr
from chainrule import checkpoint, data, nn, optim, train
from chainrule.cli.arguments import count, momentum, plural, positive_float, positive_int, share
from chainrule.cli.errors import UsageError
from chainrule.cli.run_file import resumed_config
from chainrule.files import NotARegularFile, check_replaceable


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
    """Add the ``train`` command's parser to ``subparsers`` and return it."""
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
    return command


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
    if args.save is not None:
        try:
            check_replaceable(args.save)  # refused now rather than after the first epoch
        except NotARegularFile as error:
            raise UsageError(f"chainrule train: --save {args.save}: {error.strerror}") from None
    given = {key: getattr(args, key) for key in TRAIN_DEFAULTS if getattr(args, key) is not None}
    if args.resume is not None:
        choices = {"dataset": DATASETS, "activation": ACTIVATIONS, "optimizer": OPTIMIZERS}
        return resumed_config(args.resume, given, choices)
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


__all__ = ["add_train", "run_train"]
