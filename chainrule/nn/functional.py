"""Neural-network functions with PyTorch's names and conventions (NCHW images): the public module.

The functions live by family in softmax.py, losses.py, convolution.py and pooling.py.
"""

from chainrule.ops.nn.convolution import conv2d, conv_transpose2d
from chainrule.ops.nn.losses import (
    binary_cross_entropy_with_logits, cross_entropy, mse_loss, nll_loss,
)
from chainrule.ops.nn.pooling import avg_pool2d, max_pool2d
from chainrule.ops.nn.softmax import log_softmax, softmax

__all__ = [
    "softmax", "log_softmax",
    "cross_entropy", "nll_loss", "binary_cross_entropy_with_logits", "mse_loss",
    "conv2d", "conv_transpose2d",
    "max_pool2d", "avg_pool2d",
]
