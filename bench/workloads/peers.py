"""Peers loaded the same way in every workload: one thread each, float64 available to JAX."""


def load_torch():
    import torch

    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already fixed in this process: it can be set only once
        pass
    return torch


def load_jax():
    import jax

    # Without it JAX turns float64 inputs into float32; float32 workloads keep their dtype.
    jax.config.update("jax_enable_x64", True)
    return jax


__all__ = ["load_torch", "load_jax"]
