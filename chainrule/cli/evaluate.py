"""``chainrule evaluate``: measure a network saved by ``chainrule train --save`` on its test
images: the accuracy, the loss and the confusion matrix (as text, and as a picture with --plot).
"""

from __future__ import annotations

import os

import numpy as np

import chainrule as cr
from chainrule import checkpoint, data, nn, train
from chainrule.cli import run_settings
from chainrule.cli.errors import UsageError
from chainrule.cli.run_file import read_run
from chainrule.figures import picture_format, require_matplotlib


def add_evaluate(subparsers):
    """Add the ``evaluate`` command's parser to ``subparsers`` and return it."""
    command = subparsers.add_parser(
        "evaluate",
        help="measure a network saved by 'chainrule train --save' on its test images",
        description=(
            "Rebuild the network that 'chainrule train --save PATH' wrote (MLP or CNN, from the "
            "settings kept in the file), load its weights and measure it on the test images of "
            "its data set (for the digits, the same held-out split as in training): the test "
            "accuracy, the test loss and the confusion matrix. A file that is damaged, of "
            "another kind or that does not fit the network ends in one line and exit status 2."
        ),
    )
    command.add_argument("path", metavar="PATH", help="a run written by 'chainrule train --save'")
    command.add_argument(
        "--dataset",
        choices=run_settings.DATASETS,
        help="the test images to use (default: those of the data set it was trained on)",
    )
    command.add_argument(
        "--plot", metavar="PATH", help="also draw the confusion matrix to PATH (.png, .svg, .pdf)"
    )
    return command


def run_evaluate(args):
    check_plot(args.plot)
    config, _, _ = read_run(args.path, "evaluate")  # the whole file, before anything is built
    dataset = args.dataset or config["dataset"]
    try:
        _, x_test, y_train, y_test = run_settings.load_split({**config, "dataset": dataset})
        classes = int(max(y_train.max(), y_test.max())) + 1
        model, description = run_settings.build_model(config, x_test.shape[1:], classes)
        load_weights(args.path, model, config, dataset)
        print(f"evaluating {description} from {args.path} on {dataset}: {len(x_test)} test images")
        batches = data.DataLoader(data.ArrayDataset(x_test, y_test), batch_size=1024)
        scores = train.evaluate(model, nn.CrossEntropyLoss(), batches)
        matrix = train.confusion_matrix(y_test, predictions(model, batches), classes)
        report(scores, matrix)
        if args.plot is not None:
            title = f"{description} on {dataset}: accuracy {scores['accuracy']:.4f}"
            train.plot_confusion_matrix(matrix, args.plot, title=title)
            print(f"drew the confusion matrix to {args.plot}")
    except (OSError, ValueError) as error:
        raise UsageError(f"chainrule evaluate: {error}") from None
    return 0


def check_plot(path):
    """Refuse, before any work, a picture that could not be written."""
    if path is None:
        return
    if not os.path.isdir(os.path.dirname(path) or "."):
        raise UsageError(f"chainrule evaluate: --plot {path}: no such folder")
    try:
        picture_format(path)
        require_matplotlib()
    except (ValueError, ImportError) as error:
        raise UsageError(f"chainrule evaluate: --plot: {error}") from None


def load_weights(path, model, config, dataset):
    try:
        checkpoint.load(path, model)
    except checkpoint.CheckpointError as error:
        hint = ""
        if dataset != config["dataset"]:
            hint = f" (it was trained on {config['dataset']}, not {dataset})"
        raise UsageError(f"chainrule evaluate: {error}{hint}") from None


def predictions(model, batches):
    """The class each test image is given: the highest score, in eval mode."""
    model.eval()
    with cr.no_grad():
        return np.concatenate([model(x).numpy().argmax(axis=1) for x, _ in batches])


def report(scores, matrix):
    correct, total = int(np.trace(matrix)), int(matrix.sum())
    print(
        f"test accuracy: {scores['accuracy']:.4f} ({correct}/{total}), test loss "
        f"{scores['loss']:.4f}"
    )
    print("confusion matrix (rows: true class, columns: predicted class):")
    width = max(len(str(matrix.max())), len(str(len(matrix) - 1))) + 2
    print(" " * 5 + "".join(f"{column:>{width}}" for column in range(len(matrix))))
    for row, counts in enumerate(matrix):
        print(f"{row:>5}" + "".join(f"{count:>{width}}" for count in counts))


__all__ = ["add_evaluate", "run_evaluate"]
