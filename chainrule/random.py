"""chainrule's default random generator: initializers and dropout draw from it unless given one.

``manual_seed`` resets it in place, so the same seed builds the same model and the same run.
"""

from __future__ import annotations

import numpy as np

_DEFAULT_SEED = 0

default_generator = np.random.default_rng(_DEFAULT_SEED)


def manual_seed(seed):
    """Reset ``default_generator`` to a seed, in place (references to it stay valid).

    Model construction and dropout draw from it, so seeding first makes a run repeatable.
    Before any call it is seeded with 0.

    Args:
        seed: an int ≥ 0.

    Returns:
        ``default_generator``.

    Example:
        >>> import chainrule as cr
        >>> _ = cr.manual_seed(3)
        >>> first = cr.nn.Linear(2, 2).weight.numpy().copy()
        >>> _ = cr.manual_seed(3)
        >>> bool((cr.nn.Linear(2, 2).weight.numpy() == first).all())
        True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"manual_seed: the seed must be an int >= 0, got {seed!r}")
    default_generator.bit_generator.state = np.random.PCG64(int(seed)).state
    return default_generator


__all__ = ["default_generator", "manual_seed"]
