"""One thread and one CPU for every measured process: the settings the peers read at import
time (so they are set before NumPy or any peer loads), the CPU pinning, and the allocator
settings of timed cells (read when a process starts)."""

import os

THREADS = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "JAX_PLATFORMS": "cpu",
}


# glibc's allocator otherwise hands large freed blocks back to the OS and faults them in again
# on the next allocation, at a cost (a third of W4b's time) that depends on what the process
# happened to allocate before, its imports included. These keep freed arrays for reuse.
STEADY_MALLOC = {
    "MALLOC_MMAP_THRESHOLD_": str(32 * 2**20),
    "MALLOC_TRIM_THRESHOLD_": str(128 * 2**20),
}


def limit_threads():
    os.environ.update(THREADS)


def default_cpu():
    """The last CPU this process may run on (CPU 0 tends to take more interrupts)."""
    return max(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None


def pin(cpu):
    """Keep this process on one CPU; a no-op where the OS offers no affinity (macOS)."""
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})


__all__ = ["THREADS", "STEADY_MALLOC", "limit_threads", "default_cpu", "pin"]
