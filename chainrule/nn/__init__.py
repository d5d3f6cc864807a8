"""Neural-network building blocks with PyTorch's names: layers, containers, losses, initializers.

``Module`` registers what is assigned to it; ``Parameter`` marks what is learned;
``chainrule.nn.functional`` holds the stateless functions; ``chainrule.nn.init`` the
initializers and the seeded generator (``init.manual_seed``) that makes construction repeatable.
"""

from chainrule.nn import functional, init
from chainrule.nn.activation import GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from chainrule.nn.container import ModuleList, Sequential
from chainrule.nn.conv import Conv2d
from chainrule.nn.dropout import Dropout
from chainrule.nn.flatten import Flatten
from chainrule.nn.linear import Identity, Linear
from chainrule.nn.loss import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss
from chainrule.nn.module import Module
from chainrule.nn.batchnorm import BatchNorm1d, BatchNorm2d
from chainrule.nn.parameter import Parameter
from chainrule.nn.pooling import AvgPool2d, MaxPool2d
from chainrule.nn.state import IncompatibleKeys
from chainrule.nn.stateless import functional_call

__all__ = [
    "functional",
    "init",
    "functional_call",
    "Module",
    "Parameter",
    "IncompatibleKeys",
    "Sequential",
    "ModuleList",
    "Linear",
    "Identity",
    "Conv2d",
    "Flatten",
    "Dropout",
    "BatchNorm1d",
    "BatchNorm2d",
    "MaxPool2d",
    "AvgPool2d",
    "ReLU",
    "LeakyReLU",
    "Sigmoid",
    "Tanh",
    "GELU",
    "Softmax",
    "LogSoftmax",
    "MSELoss",
    "CrossEntropyLoss",
    "NLLLoss",
    "BCEWithLogitsLoss",
]
