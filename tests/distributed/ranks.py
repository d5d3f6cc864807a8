"""Starting a test job on several ranks with the ``mpiexec`` of this environment (the one
``pip install mpich`` puts beside the Python executable), or skipping when there is none."""

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def mpiexec():
    """The path of ``mpiexec``, or skip the test: mpi4py and an MPI library are missing."""
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        pytest.skip("needs mpi4py and MPICH: pip install 'chainrule[mpi]'")
    beside = pathlib.Path(sys.executable).parent / "mpiexec"
    found = str(beside) if beside.exists() else shutil.which("mpiexec")
    if found is None:
        pytest.skip("no mpiexec beside the Python executable or on PATH: pip install mpich")
    return found


def run_ranks(count, *args, module="tests.distributed.job"):
    """``mpiexec -n count python -m module *args`` from the repository, one thread a rank."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    command = [mpiexec(), "-n", str(count), sys.executable, "-m", module, *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
