"""Op-table cases for the neural-network functions: softmax family, losses, convolution, pooling.

Shapes stay small (at most ~60 input values a case) because the check builds whole Jacobians to
second order. Pooling inputs are random, so no window holds a tie.
"""

import numpy as np

from chainrule.nn import functional as F
from chainrule.ops.nn.convolution import _conv2d_weight_op
from tests.ops.optable import OpCase, rand

LABELS = np.array([2, 0, 1, 2])
SPATIAL_LABELS = np.array([[[0, 2], [1, 1]], [[2, 0], [0, 1]]])


def probabilities(*shape, axis, seed=0):
    weights = rand(*shape, low=0.1, high=1.0, seed=seed)
    return weights / weights.sum(axis=axis, keepdims=True)


SOFTMAX_CASES = [
    OpCase("softmax", lambda x: F.softmax(x), (rand(5),), "vector"),
    OpCase("softmax", lambda x: F.softmax(x, axis=0), (rand(3, 4),), "3x4 axis 0"),
    OpCase("softmax", lambda x: F.softmax(x, dim=1), (rand(2, 3, 2),), "2x3x2 dim 1"),
    OpCase("softmax", lambda x: F.softmax(x), (rand(),), "0-d"),
    OpCase("softmax", lambda x: F.softmax(x), (rand(0, 3),), "empty"),
    OpCase("softmax", lambda x: F.softmax(x * 30.0), (rand(2, 3),), "saturated"),
    OpCase("log_softmax", lambda x: F.log_softmax(x), (rand(5),), "vector"),
    OpCase("log_softmax", lambda x: F.log_softmax(x, axis=0), (rand(3, 4),), "3x4 axis 0"),
    OpCase("log_softmax", lambda x: F.log_softmax(x), (rand(),), "0-d"),
    OpCase("log_softmax", lambda x: F.log_softmax(x), (rand(0, 3),), "empty"),
]

LOSS_CASES = [
    OpCase("cross_entropy", lambda x: F.cross_entropy(x, LABELS), (rand(4, 3),),
           "labels", covers=("cross_entropy",)),
    OpCase("cross_entropy", lambda x: F.cross_entropy(x, SPATIAL_LABELS, reduction="none"),
           (rand(2, 3, 2, 2),), "spatial labels none", covers=("cross_entropy",)),
    OpCase("cross_entropy", lambda x: F.cross_entropy(x, SPATIAL_LABELS), (rand(2, 3, 2, 2),),
           "spatial labels mean", covers=("cross_entropy",)),
    OpCase("cross_entropy", lambda x: F.cross_entropy(x, np.array(1), reduction="sum"),
           (rand(3),), "one sample", covers=("cross_entropy",)),
    OpCase("cross_entropy", lambda x, p: F.cross_entropy(x, p),
           (rand(3, 4), probabilities(3, 4, axis=1)), "probabilities",
           covers=("log_softmax", "sum")),
    OpCase("nll_loss", lambda x: F.nll_loss(x, LABELS, reduction="sum"), (rand(4, 3),),
           "labels sum", covers=("getitem",)),
    OpCase("binary_cross_entropy_with_logits",
           lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="none"),
           (rand(6), rand(6, low=0.0, high=1.0)), "vector"),
    OpCase("binary_cross_entropy_with_logits",
           lambda x, t: F.binary_cross_entropy_with_logits(x, t),
           (rand(2, 3, low=-8.0, high=8.0), rand(2, 3, low=0.0, high=1.0)), "2x3 mean"),
    OpCase("binary_cross_entropy_with_logits",
           lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="none"),
           (np.zeros(3), np.array([0.0, 0.3, 1.0])), "at zero logits"),
    OpCase("binary_cross_entropy_with_logits",
           lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="sum"),
           (rand(), rand(low=0.0, high=1.0)), "0-d"),
    OpCase("mse_loss", lambda x, t: F.mse_loss(x, t), (rand(2, 3), rand(2, 3)), "2x3",
           covers=("square", "subtract")),
    OpCase("mse_loss", lambda x, t: F.mse_loss(x, t, reduction="none"), (rand(), rand()), "0-d",
           covers=("square",)),
]

CONVOLUTION_CASES = [
    OpCase("conv2d", lambda x, w: F.conv2d(x, w), (rand(1, 2, 4, 4), rand(2, 2, 2, 2)),
           "stride 1 padding 0"),
    OpCase("conv2d", lambda x, w: F.conv2d(x, w, stride=2, padding=1),
           (rand(2, 1, 5, 5), rand(1, 1, 3, 3)), "stride 2 padding 1"),
    OpCase("conv2d", lambda x, w: F.conv2d(x, w, stride=2), (rand(1, 1, 6, 6), rand(1, 1, 3, 3)),
           "stride leaves the last row unread"),
    OpCase("conv2d", lambda x, w: F.conv2d(x, w, stride=(2, 1), padding=(0, 1)),
           (rand(1, 2, 4, 5), rand(2, 2, 2, 3)), "pairs and a 2x3 kernel"),
    OpCase("conv2d", lambda x, w, b: F.conv2d(x, w, b, padding=1),
           (rand(1, 1, 3, 3), rand(2, 1, 2, 2), rand(2)), "bias", covers=("conv2d", "add")),
    OpCase("conv2d", lambda x, w: F.conv2d(x, w), (rand(2, 3, 3), rand(2, 2, 2, 2)), "unbatched"),
    OpCase("conv2d", lambda x, w: F.conv2d(x, w), (rand(0, 1, 3, 3), rand(1, 1, 2, 2)), "empty"),
    OpCase("conv_transpose2d", lambda x, w: F.conv_transpose2d(x, w),
           (rand(1, 2, 3, 3), rand(2, 1, 2, 2)), "stride 1 padding 0"),
    OpCase("conv_transpose2d",
           lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1),
           (rand(1, 2, 3, 3), rand(2, 1, 3, 3)), "stride 2 padding 1 output_padding 1"),
    OpCase("conv2d_weight",
           lambda x, g: _conv2d_weight_op(x, g, stride=(2, 2), padding=(1, 1), kernel_size=(3, 3)),
           (rand(1, 2, 5, 5), rand(1, 1, 3, 3)), "stride 2 padding 1"),
    OpCase("conv2d_weight",
           lambda x, g: _conv2d_weight_op(x, g, stride=(1, 1), padding=(0, 0), kernel_size=(2, 2)),
           (rand(2, 1, 3, 3), rand(2, 2, 2, 2)), "stride 1 padding 0"),
]

POOLING_CASES = [
    OpCase("max_pool2d", lambda x: F.max_pool2d(x, 2), (rand(1, 2, 4, 4),), "2x2 windows"),
    OpCase("max_pool2d", lambda x: F.max_pool2d(x, 3, stride=2, padding=1), (rand(2, 1, 5, 5),),
           "overlapping, stride 2 padding 1"),
    OpCase("max_pool2d", lambda x: F.max_pool2d(x, (2, 3), stride=1), (rand(1, 1, 4, 4),),
           "2x3 windows stride 1"),
    OpCase("max_pool2d", lambda x: F.max_pool2d(x, 2), (rand(2, 4, 4),), "unbatched"),
    OpCase("avg_pool2d", lambda x: F.avg_pool2d(x, 2), (rand(1, 2, 4, 4),), "2x2 windows",
           covers=("conv2d",)),
    OpCase("avg_pool2d", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1), (rand(2, 1, 5, 5),),
           "overlapping, stride 2 padding 1", covers=("conv2d",)),
]

CASES = SOFTMAX_CASES + LOSS_CASES + CONVOLUTION_CASES + POOLING_CASES
