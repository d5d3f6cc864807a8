"""Initializers that fill a tensor in place (PyTorch's ``nn.init``), and the seeded generator.

Every random initializer draws from ``generator`` when given, else from ``default_generator``,
which ``manual_seed`` resets: the same seed builds the same model. Values are drawn in float64
and then stored in the tensor's dtype, so a seed gives the same numbers in float32 and float64.
"""

from __future__ import annotations

import math

import numpy as np

from chainrule.modes import no_grad

# The generator lives in the core, so that cr.manual_seed needs no import of nn.
from chainrule.random import default_generator, manual_seed  # noqa: F401

def generator_or_default(generator):
    """``generator`` if given, else ``default_generator``; anything else is refused."""
    if generator is None:
        return default_generator
    if not isinstance(generator, np.random.Generator):
        raise TypeError(
            f"generator must be a numpy.random.Generator (np.random.default_rng(seed))"
            f" or None, got {type(generator).__name__}"
        )
    return generator


def _write(tensor, values):
    """Store ``values`` into ``tensor`` in place, in its dtype, outside any recorded graph."""
    values = np.asarray(values).astype(tensor.dtype, copy=False)
    if isinstance(tensor, np.ndarray):
        tensor[...] = values
        return tensor
    with no_grad():
        tensor[...] = values
    return tensor


def _check_floating(tensor, who):
    if np.dtype(tensor.dtype).kind != "f":
        raise TypeError(
            f"{who}: random values need a floating-point tensor, got dtype {tensor.dtype}"
        )


def calculate_gain(nonlinearity, param=None):
    """The gain that keeps activations' variance steady through ``nonlinearity``.

    1 for linear, conv and sigmoid; 5/3 for tanh; √2 for relu; √(2/(1 + slope²)) for leaky_relu
    (slope ``param``, 0.01 by default); 3/4 for selu.

    Example:
        >>> from chainrule import nn
        >>> round(nn.init.calculate_gain("relu"), 6)
        1.414214
    """
    if nonlinearity in _UNIT_GAIN:
        return 1.0
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative_slope {slope!r} is not a number")
        return math.sqrt(2.0 / (1 + slope**2))
    gains = {"tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 3.0 / 4}
    if nonlinearity not in gains:
        known = ", ".join(sorted((*_UNIT_GAIN, "leaky_relu", *gains)))
        raise ValueError(f"calculate_gain: unknown nonlinearity {nonlinearity!r} (known: {known})")
    return gains[nonlinearity]


_UNIT_GAIN = (
    "linear",
    "identity",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "sigmoid",
)


def fan_in_and_fan_out(tensor):
    """(fan_in, fan_out) of a weight of shape (out, in, *kernel): in·k and out·k, k = Π kernel.

    Raises:
        ValueError: for a tensor of fewer than 2 dimensions (a bias has no fans).
    """
    if len(tensor.shape) < 2:
        raise ValueError(
            f"fan in and fan out need a weight of at least 2 dimensions, got shape "
            f"{tuple(tensor.shape)}"
        )
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fan(tensor, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill ``tensor`` in place with draws from U(a, b); returns it.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> w = nn.Parameter(np.zeros(1000))
        >>> _ = nn.init.uniform_(w, -1.0, 1.0, generator=np.random.default_rng(0))
        >>> bool(w.numpy().min() >= -1.0 and w.numpy().max() < 1.0)
        True
    """
    _check_floating(tensor, "uniform_")
    if a > b:
        raise ValueError(f"uniform_: the lower bound a={a} is above the upper bound b={b}")
    return _write(tensor, generator_or_default(generator).uniform(a, b, size=tensor.shape))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill ``tensor`` in place with draws from N(mean, std²); returns it.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> w = nn.Parameter(np.zeros(10000))
        >>> _ = nn.init.normal_(w, 0.0, 2.0, generator=np.random.default_rng(0))
        >>> round(float(w.numpy().std()), 1)
        2.0
    """
    _check_floating(tensor, "normal_")
    if std < 0:
        raise ValueError(f"normal_: std must be >= 0, got {std}")
    return _write(tensor, generator_or_default(generator).normal(mean, std, size=tensor.shape))


def constant_(tensor, val):
    """Fill ``tensor`` in place with ``val``; returns it.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.init.constant_(nn.Parameter(np.zeros(2)), 0.5)
        Parameter(tensor([0.5, 0.5]))
    """
    return _write(tensor, np.full(tensor.shape, val))


def zeros_(tensor):
    """Fill ``tensor`` in place with 0; returns it.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.init.zeros_(nn.Parameter(np.ones(2)))
        Parameter(tensor([0., 0.]))
    """
    return constant_(tensor, 0)


def ones_(tensor):
    """Fill ``tensor`` in place with 1; returns it.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> nn.init.ones_(nn.Parameter(np.zeros(2)))
        Parameter(tensor([1., 1.]))
    """
    return constant_(tensor, 1)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot: U(−a, a) with a = gain·√(6 / (fan_in + fan_out)), so the variance is
    gain²·2/(fan_in + fan_out); returns ``tensor``.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> w = nn.init.xavier_uniform_(nn.Parameter(np.zeros((3, 5))))
        >>> bool(np.abs(w.numpy()).max() <= np.sqrt(6 / 8))
        True
    """
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out)) if fan_in + fan_out else 0.0
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot: N(0, std²) with std = gain·√(2 / (fan_in + fan_out)); returns ``tensor``.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> w = nn.init.xavier_normal_(nn.Parameter(np.zeros((500, 300))))
        >>> round(float(w.numpy().std() * np.sqrt(800 / 2)), 1)
        1.0
    """
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out)) if fan_in + fan_out else 0.0
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor, a, mode, nonlinearity):
    fan = _fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan) if fan else 0.0


def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He: U(−b, b) with b = gain·√(3 / fan), so the std is gain/√fan; returns ``tensor``.

    Args:
        tensor: a weight of shape (out, in, *kernel).
        a: the negative slope of the leaky_relu that follows (its gain is √(2/(1 + a²))).
        mode: "fan_in" keeps the forward pass's variance, "fan_out" the backward pass's.
        nonlinearity: the activation that follows, as :func:`calculate_gain` names it.
        generator: a numpy Generator; ``default_generator`` if None.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> w = nn.init.kaiming_uniform_(nn.Parameter(np.zeros((4, 25))), a=np.sqrt(5))
        >>> bool(np.abs(w.numpy()).max() <= 1 / 5)
        True
    """
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He: N(0, std²) with std = gain/√fan (arguments as :func:`kaiming_uniform_`).

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> w = nn.init.kaiming_normal_(nn.Parameter(np.zeros((400, 200))), nonlinearity="relu")
        >>> round(float(w.numpy().std() * np.sqrt(200 / 2)), 1)
        1.0
    """
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


__all__ = [
    "default_generator",
    "manual_seed",
    "calculate_gain",
    "fan_in_and_fan_out",
    "uniform_",
    "normal_",
    "constant_",
    "zeros_",
    "ones_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
]
