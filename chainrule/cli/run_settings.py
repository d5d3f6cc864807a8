"""What a ``chainrule train`` run is made of, for ``train`` and ``evaluate`` alike: its settings
(saved in its checkpoint), the network they build (an MLP or a small CNN) and the data they
split.
"""

from __future__ import annotations

from chainrule import data, nn, optim
from chainrule.cli.errors import UsageError

DATASETS = {"digits": None, "mnist": data.load_mnist, "fashion-mnist": data.load_fashion_mnist}

MODELS = ("mlp", "cnn")

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "gelu": nn.GELU, "sigmoid": nn.Sigmoid}

OPTIMIZERS = {"sgd": optim.SGD, "adam": optim.Adam, "adamw": optim.AdamW, "rmsprop": optim.RMSprop}

SCHEDULES = ("exponential", "constant")

# The exponential schedule's factor per epoch: epoch e trains at lr·0.8^(e−1).
DECAY = 0.8

# The learning rate when none is given, per model and optimizer; for SGD the ones that
# bench/digits_defaults.py chose (with the widths, the schedule and the epochs) on the digits.
DEFAULT_LR = {
    "mlp": {"sgd": 0.3, "adam": 0.001, "adamw": 0.001, "rmsprop": 0.001},
    "cnn": {"sgd": 0.1, "adam": 0.001, "adamw": 0.001, "rmsprop": 0.001},
}

# Where a data set wants another rate: MNIST's 784 inputs make the digits' SGD rate (0.3, for 64
# inputs) jump about (94.6% after 10 epochs); bench/mnist_defaults.py chose 0.03 on held-out
# MNIST training images. Fashion-MNIST has the same inputs (784 pixels in [0, 1]) and takes
# MNIST's rate; no sweep was run on it.
DATASET_LR = {
    "mnist": {"mlp": {"sgd": 0.03}},
    "fashion-mnist": {"mlp": {"sgd": 0.03}},
}

# Units per hidden layer (MLP) or filters per convolution (CNN) when --hidden is not given.
DEFAULT_HIDDEN = {"mlp": [512], "cnn": [32, 64]}

# The settings that make a run; --resume and evaluate take them from the checkpoint.
TRAIN_DEFAULTS = {
    "dataset": "digits",
    "model": "mlp",
    "hidden": None,
    "activation": "relu",
    "optimizer": "sgd",
    "lr": None,
    "momentum": 0.9,
    "schedule": "exponential",
    "batch_size": 32,
    "seed": 0,
    "test_size": 0.2,
}

# What a setting must be, to check those read from a file.
CHOICES = {
    "dataset": DATASETS,
    "model": MODELS,
    "activation": ACTIVATIONS,
    "optimizer": OPTIMIZERS,
    "schedule": SCHEDULES,
}

# What a run saved before a setting existed was trained with.
BEFORE = {"model": "mlp", "schedule": "constant"}


def completed(config):
    """``config`` with the defaults that depend on other settings filled in."""
    config = dict(config)
    config["hidden"] = config["hidden"] or list(DEFAULT_HIDDEN[config["model"]])
    config["lr"] = config["lr"] or default_lr(config)
    if config["model"] == "cnn" and len(config["hidden"]) != 2:
        raise UsageError(
            "--model cnn takes two --hidden values, the filters of its two convolutions "
            f"(e.g. --hidden 16 32), got {len(config['hidden'])}"
        )
    return config


def default_lr(config):
    """The learning rate of a run that names none: the data set's, else the model's."""
    model, optimizer = config["model"], config["optimizer"]
    rate = DATASET_LR.get(config["dataset"], {}).get(model, {}).get(optimizer)
    return rate or DEFAULT_LR[model][optimizer]


def load_split(config):
    """``x_train, x_test, y_train, y_test``: float32 pixels in [0, 1], as rows for an MLP and
    as one-channel images (N, 1, H, W) for a CNN."""
    load = DATASETS[config["dataset"]]
    if load is None:
        images, labels = data.load_digits()
        split = data.train_test_split(
            images, labels, test_size=config["test_size"], seed=config["seed"], stratify=labels
        )
    else:
        (x_train, y_train), (x_test, y_test) = load(), load(train=False)
        split = x_train, x_test, y_train, y_test
    x_train, x_test, y_train, y_test = split
    shape = (
        (lambda x: x.reshape(len(x), -1)) if config["model"] == "mlp" else (lambda x: x[:, None])
    )
    return shape(x_train), shape(x_test), y_train, y_test


def build_model(config, example_shape, classes):
    """The network ``config`` describes, for inputs of ``example_shape`` and ``classes``
    classes; returns ``(model, description)``."""
    activation = ACTIVATIONS[config["activation"]]
    if config["model"] == "mlp":
        sizes = [example_shape[0], *config["hidden"], classes]
        shape = "-".join(str(size) for size in sizes)
        return mlp(sizes, activation), f"an MLP {shape} ({config['activation']})"
    first, second = config["hidden"]
    _, height, width = example_shape
    model = cnn(first, second, (height, width), classes, activation)
    shape = f"conv{first}-pool-conv{second}-pool-{classes}"
    return model, f"a CNN {shape} ({config['activation']})"


def mlp(sizes, activation):
    """Linear layers of the given sizes, with ``activation`` between them."""
    layers = []
    for fan_in, fan_out in zip(sizes[:-2], sizes[1:-1]):
        layers += [nn.Linear(fan_in, fan_out), activation()]
    return nn.Sequential(*layers, nn.Linear(sizes[-2], sizes[-1]))


def cnn(first, second, image_size, classes, activation):
    """conv 3×3 (``first`` filters) → activation → max-pool 2 → conv 3×3 (``second``) →
    activation → max-pool 2 → linear, on one-channel images of ``image_size``."""
    height, width = (size // 4 for size in image_size)  # each pooling halves (and floors)
    return nn.Sequential(
        nn.Conv2d(1, first, 3, padding=1),
        activation(),
        nn.MaxPool2d(2),
        nn.Conv2d(first, second, 3, padding=1),
        activation(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(second * height * width, classes),
    )


def make_optimizer(config, parameters):
    """``(optimizer, schedule)``: the schedule is None for a constant rate."""
    if config["optimizer"] == "sgd":
        optimizer = optim.SGD(parameters, lr=config["lr"], momentum=config["momentum"])
    else:
        optimizer = OPTIMIZERS[config["optimizer"]](parameters, lr=config["lr"])
    if config["schedule"] == "constant":
        return optimizer, None
    return optimizer, optim.lr_scheduler.ExponentialLR(optimizer, gamma=DECAY)


__all__ = [
    "TRAIN_DEFAULTS",
    "completed",
    "load_split",
    "build_model",
    "make_optimizer",
]
