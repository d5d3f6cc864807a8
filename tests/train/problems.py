"""Small problems for the training tests: two classes in the plane, a small MLP, its loaders."""

import numpy as np

import chainrule as cr

from chainrule import nn, optim
from chainrule.data import ArrayDataset, DataLoader


def blobs(n=96, seed=0):
    """Two Gaussian blobs: class 0 around (-1, -1), class 1 around (1, 1); float32 points."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, size=n)
    points = rng.normal(scale=0.7, size=(n, 2)) + np.where(labels[:, None] == 1, 1.0, -1.0)
    return points.astype(np.float32), labels


def loaders(batch_size=16, seed=0, shuffle=True, generator=None):
    x, y = blobs(seed=seed)
    train = DataLoader(
        ArrayDataset(x[:64], y[:64]), batch_size, shuffle=shuffle, generator=generator
    )
    val = DataLoader(ArrayDataset(x[64:], y[64:]), batch_size=32)
    return train, val


def mlp(seed=0, dropout=0.0, generator=None):
    cr.manual_seed(seed)
    layers = [nn.Linear(2, 8), nn.Tanh()]
    if dropout:
        layers.append(nn.Dropout(dropout, generator=generator))
    return nn.Sequential(*layers, nn.Linear(8, 2))


def setup(seed=0, dropout=0.0, lr=0.1, optimizer="sgd"):
    """A fresh (model, loss, optimizer): the same seed gives the same objects."""
    model = mlp(seed, dropout)
    if optimizer == "adam":
        return model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=lr)
    return model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=lr, momentum=0.9)


def parameters_of(model):
    return {name: value.copy() for name, value in model.state_dict().items()}
