"""``chainrule train``: an MLP or a small CNN trained by gradient descent on the digits, MNIST or
Fashion-MNIST, with progress per epoch, a test score at the end, pictures of the run, and runs
saved and resumed.
"""

from __future__ import annotations

import os

import chainrule as cr
from chainrule import checkpoint, data, nn, train
from chainrule.cli import run_settings
from chainrule.cli.arguments import count, momentum, plural, positive_float, positive_int, share
from chainrule.cli.errors import UsageError
from chainrule.cli.run_file import resumed_config
from chainrule.cli.run_settings import TRAIN_DEFAULTS
from chainrule.distributed import DistributedError, init
from chainrule.files import NotARegularFile, check_replaceable
from chainrule.figures import picture_format, require_matplotlib

DEFAULT_EPOCHS = 10

# (flags, help, argparse settings); a default in the help is the one TRAIN_DEFAULTS gives.
TRAIN_OPTIONS = (
    (
        ("--dataset",),
        "digits (built in), mnist or fashion-mnist (downloaded)",
        {"choices": run_settings.DATASETS},
    ),
    (
        ("--model",),
        "mlp, or cnn: conv-pool-conv-pool-linear (mlp)",
        {"choices": run_settings.MODELS},
    ),
    (
        ("--epochs",),
        f"epochs in all, counting those of a resumed run ({DEFAULT_EPOCHS})",
        {"type": count, "default": DEFAULT_EPOCHS},
    ),
    (
        ("--hidden",),
        "mlp: units per hidden layer, e.g. --hidden 256 128 (512); cnn: the filters of its "
        "two convolutions (32 64)",
        {"type": positive_int, "nargs": "+", "metavar": "UNITS"},
    ),
    (
        ("--activation",),
        "the hidden layers' activation (relu)",
        {"choices": run_settings.ACTIVATIONS},
    ),
    (("--optimizer",), "the update rule (sgd)", {"choices": run_settings.OPTIMIZERS}),
    (
        ("--lr",),
        "the learning rate (sgd: 0.3 for mlp, 0.03 for mlp on mnist and fashion-mnist, 0.1 "
        "for cnn; else 0.001)",
        {"type": positive_float},
    ),
    (("--momentum",), "SGD momentum, in [0, 1) (0.9)", {"type": momentum}),
    (
        ("--schedule",),
        "the learning rate per epoch: exponential, lr·0.8^(epoch-1), or constant (exponential)",
        {"choices": run_settings.SCHEDULES},
    ),
    (("--batch-size",), "examples per step (32)", {"type": positive_int}),
    (("--seed",), "seeds the weights, the test split and the order (0)", {"type": count}),
    (("--test-size",), "digits: the share held out for testing (0.2)", {"type": share}),
    (
        ("--save", "--out"),
        "write the run to PATH after every epoch (for --resume and evaluate)",
        {"metavar": "PATH"},
    ),
    (("--resume",), "go on with a run written by --save", {"metavar": "PATH"}),
    (
        ("--plot",),
        "draw loss and accuracy per epoch to PATH (.png, .svg or .pdf; needs matplotlib)",
        {"metavar": "PATH"},
    ),
    (
        ("--track-gradients",),
        "record each layer's gradient norm per epoch (and draw it with --plot)",
        {"action": "store_true"},
    ),
    (
        ("--distributed",),
        "train data-parallel over the ranks of an MPI job: mpiexec -n N chainrule train "
        "--distributed ...; --batch-size is per rank, rank 0 prints and saves (needs "
        "chainrule[mpi])",
        {"action": "store_true"},
    ),
)


def add_train(subparsers):
    """Add the ``train`` command's parser to ``subparsers`` and return it."""
    command = subparsers.add_parser(
        "train",
        help="train a small neural network (an MLP or a CNN) on handwritten digits",
        description=(
            "Train a neural network by gradient descent: each batch takes a forward pass, the "
            "cross-entropy loss, a backward pass (the chain rule, by chainrule) and an "
            "optimizer step. Shows the progress per epoch on stderr and ends with the accuracy "
            "on held-out test images on stdout. Defaults: the built-in 8x8 digits (no "
            "download), an MLP with one hidden layer of 512 ReLU units, SGD with momentum 0.9 "
            "and lr 0.3 times 0.8 per epoch, batches of 32, 10 epochs: about 98% test accuracy "
            "in a fraction of a second (bench/digits_defaults.py chose these). On MNIST and "
            "Fashion-MNIST the MLP's SGD rate is 0.03 (bench/mnist_defaults.py). A run saved with "
            "--save goes on with --resume (its settings come from the file; --epochs is the "
            "total) and is measured by 'chainrule evaluate'."
        ),
    )
    for flags, text, settings in TRAIN_OPTIONS:
        command.add_argument(*flags, help=text, **settings)
    return command


def run_train(args):
    world = distributed_world(args)
    if world is None:
        return train_and_report(args, None)
    with world.abort_on_failure():
        try:
            return train_and_report(args, world)
        except UsageError as error:
            # Every rank raises an error the ranks agreed on; rank 0 alone says it.
            if world.rank == 0 or not _agreed(error):
                raise
            return 2


def distributed_world(args):
    """The MPI job's World for --distributed, else None."""
    if not args.distributed:
        return None
    try:
        return init()
    except ImportError as error:
        raise UsageError(f"chainrule train: --distributed: {error}") from None


def train_and_report(args, world):
    config, done = together(world, train_config, args)
    try:
        x_train, x_test, y_train, y_test = together(world, run_settings.load_split, config)
        classes = int(max(y_train.max(), y_test.max())) + 1
        cr.manual_seed(config["seed"])
        model, description = run_settings.build_model(config, x_train.shape[1:], classes)
        optimizer, schedule = run_settings.make_optimizer(config, model.parameters())
        speaks = world is None or world.rank == 0
        if speaks:
            describe_run(config, description, len(x_train), len(x_test), args, done, world)
        test_batches = data.DataLoader(data.ArrayDataset(x_test, y_test), batch_size=1024)
        history = fit(args, config, (model, optimizer, schedule), (x_train, y_train), test_batches)
        scores = train.evaluate(model, nn.CrossEntropyLoss(), test_batches)
        if args.plot is not None and speaks:
            title = f"{description} on {config['dataset']}"
            train.plot_history(history, args.plot, title, val_label="held-out test images")
    except (checkpoint.CheckpointError, OSError, ValueError, DistributedError) as error:
        raise UsageError(f"chainrule train: {error}") from None
    if speaks:
        report_run(history, scores, len(x_test), args)
    return 0


def together(world, function, *args):
    """``function(*args)``; with a world, run on every rank, and if it fails on any rank it
    fails on all (rather than leave the others waiting for the one that stopped)."""
    if world is None:
        return function(*args)
    result, error = None, None
    try:
        result = function(*args)
    except (UsageError, checkpoint.CheckpointError, OSError, ValueError) as failure:
        error = failure
    world.agree(error)
    return result


def _agreed(error):
    # An error the ranks agreed on, or the one-line UsageError made from it.
    return getattr(error, "agreed", False) or getattr(error.__context__, "agreed", False)


def fit(args, config, learner, training_set, test_batches):
    # The held-out test images are measured after every epoch too (val_* in the progress and
    # the curves): nothing is chosen by them, so they show honestly how the network generalises.
    batches = data.DataLoader(
        data.ArrayDataset(*training_set), config["batch_size"], shuffle=True, seed=config["seed"]
    )
    model, optimizer, schedule = learner
    return train.fit(
        model,
        nn.CrossEntropyLoss(),
        optimizer,
        batches,
        args.epochs,
        val_loader=test_batches,
        scheduler=schedule,
        callbacks=[train.GradientNorms()] if args.track_gradients else [],
        seed=config["seed"],
        progress=True,
        checkpoint=args.save,
        checkpoint_extra={"config": config},
        resume=args.resume,
        distributed=args.distributed,
    )


def train_config(args):
    """The run's settings and the epochs it has done: the command line's settings over the
    defaults, or those of the run that --resume names."""
    check_outputs(args)
    given = {key: getattr(args, key) for key in TRAIN_DEFAULTS if getattr(args, key) is not None}
    if args.resume is not None:
        return resumed_config(args.resume, given)
    if "momentum" in given and given.get("optimizer", "sgd") != "sgd":
        raise UsageError("chainrule train: --momentum goes with --optimizer sgd")
    if given.get("dataset", "digits") != "digits" and "test_size" in given:
        raise UsageError(
            "chainrule train: --test-size goes with --dataset digits (MNIST and "
            "Fashion-MNIST come with their own test images)"
        )
    try:
        return run_settings.completed({**TRAIN_DEFAULTS, **given}), 0
    except UsageError as error:
        raise UsageError(f"chainrule train: {error}") from None


def check_outputs(args):
    """Refuse, before any training, outputs that could not be written."""
    for flag, path in (("--save", args.save), ("--plot", args.plot)):
        if path is None:
            continue
        if not os.path.isdir(os.path.dirname(path) or "."):
            raise UsageError(f"chainrule train: {flag} {path}: no such folder")
        try:
            check_replaceable(path)  # refused now rather than after the first epoch
        except NotARegularFile as error:
            raise UsageError(f"chainrule train: {flag} {path}: {error.strerror}") from None
    if args.plot is not None:
        try:
            picture_format(args.plot)
            require_matplotlib()
        except (ValueError, ImportError) as error:
            raise UsageError(f"chainrule train: --plot: {error}") from None


def describe_run(config, description, train_size, test_size, args, done, world=None):
    settings = f"lr {config['lr']:g}"
    if config["optimizer"] == "sgd":
        settings += f", momentum {config['momentum']:g}"
    if config["schedule"] == "exponential":
        settings += f", times {run_settings.DECAY:g} per epoch"
    print(
        f"training {description} on {config['dataset']}: "
        f"{train_size} training and {test_size} test images"
    )
    batches = f"batch size {config['batch_size']}"
    if world is not None:
        batches += f" on each of {plural(world.size, 'rank')}"
    print(
        f"{config['optimizer']} ({settings}), {batches}, "
        f"{plural(args.epochs, 'epoch')}, seed {config['seed']}",
        flush=True,
    )
    if args.resume is not None:
        print(f"resuming {args.resume} after epoch {done}", flush=True)


def report_run(history, scores, test_size, args):
    correct = round(scores["accuracy"] * test_size)
    seconds = sum(history["time"]) if len(history) else 0.0
    print(
        f"test accuracy: {scores['accuracy']:.4f} ({correct}/{test_size}), test loss "
        f"{scores['loss']:.4f}; {plural(len(history), 'epoch')} in {seconds:.2f} s"
    )
    last = {name: values[-1] for name, values in train.gradient_norms(history).items()}
    if last and None not in last.values():
        layers = "  ".join(f"{name}: {value:.3g}" for name, value in last.items())
        print(f"gradient norm per layer in the last epoch: {layers}")
    if args.plot is not None:
        print(f"drew the curves to {args.plot}")
    if args.save is not None:
        print(
            f"saved the run to {args.save} (go on with --resume {args.save}, measure it "
            f"with 'chainrule evaluate {args.save}')"
        )


__all__ = ["add_train", "run_train"]
