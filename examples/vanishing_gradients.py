"""Why deep sigmoid networks were hard to train: the gradient norm of each of 10 layers, for a
sigmoid MLP, the same with ReLU, and ReLU with He initialization, drawn side by side.

    python examples/vanishing_gradients.py [PICTURE.png]    # needs matplotlib for the picture
"""

import sys

import numpy as np

import chainrule as cr
from chainrule import nn, optim
from chainrule.data import ArrayDataset, DataLoader, load_digits, train_test_split
from chainrule.train import GradientNorms, evaluate, fit, gradient_norms, plot_gradient_norms

LAYERS, WIDTH = 10, 32


def deep_mlp(activation, he_init=False):
    """LAYERS linear layers (LAYERS - 1 hidden ones of WIDTH units), ``activation`` between."""
    cr.manual_seed(0)
    sizes = [64] + [WIDTH] * (LAYERS - 1) + [10]
    modules = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        layer = nn.Linear(fan_in, fan_out)
        if he_init:
            # Var(w) = 2/fan_in keeps the size of the signal (and of the gradient) from layer
            # to layer through ReLUs, which zero half of it.
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
        modules += [layer, activation()]
    return nn.Sequential(*modules[:-1])  # no activation after the output layer


NETWORKS = {
    "sigmoid": lambda: deep_mlp(nn.Sigmoid),
    "ReLU": lambda: deep_mlp(nn.ReLU),
    "ReLU, He init": lambda: deep_mlp(nn.ReLU, he_init=True),
}


def train_all(epochs=10):
    """``{name: (history, test accuracy)}`` for each network, trained alike."""
    images, labels = load_digits(flatten=True)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=0.2, seed=0, stratify=labels
    )
    test = DataLoader(ArrayDataset(x_test, y_test), batch_size=512)
    runs = {}
    for name, build in NETWORKS.items():
        model = build()
        loader = DataLoader(ArrayDataset(x_train, y_train), batch_size=32, shuffle=True, seed=0)
        optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        history = fit(
            model,
            nn.CrossEntropyLoss(),
            optimizer,
            loader,
            epochs,
            callbacks=[GradientNorms()],
            seed=0,
            progress=False,
        )
        runs[name] = history, evaluate(model, nn.CrossEntropyLoss(), test)["accuracy"]
    return runs


def report(runs):
    print(f"{'network':>14}  {'layer 1':>9}  {'layer 10':>9}  {'1 ÷ 10':>8}  test accuracy")
    for name, (history, accuracy) in runs.items():
        first_epoch = [values[0] for values in gradient_norms(history).values()]
        print(
            f"{name:>14}  {first_epoch[0]:9.2e}  {first_epoch[-1]:9.2e}  "
            f"{first_epoch[0] / first_epoch[-1]:8.1e}  {accuracy:.4f}"
        )


def main(picture="vanishing-gradients.png", epochs=10):
    runs = train_all(epochs)
    print(
        f"gradient norm per layer in epoch 1 (mean over its batches), then after {epochs} "
        "epochs the test accuracy:"
    )
    report(runs)
    plot_gradient_norms(
        {name: history for name, (history, _) in runs.items()},
        picture,
        title=f"{LAYERS}-layer MLPs on the digits: ‖∂loss/∂θ‖ of each layer, epochs 1-{epochs}",
    )
    print(f"drew {picture}")
    return runs


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main(*sys.argv[1:2])
