"""Neural-network building blocks with PyTorch's names: ``chainrule.nn.functional`` for now."""

from chainrule.nn import functional

__all__ = ["functional"]
