"""Writing a file so that a crash leaves the old file or the new one, never a part of either.

Checkpoints and saved graph pictures both write this way.
"""

from __future__ import annotations

import os
import re
import secrets
import socket

# Temporary files are named .NAME.HOST.PID.RANDOM.tmp, so that a later save can tell those of
# writers that died before their rename (killed, or their machine lost power) from live ones.
_HOST = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname()) or "host"


def write_atomically(path, data):
    """Replace ``path`` with ``data`` so that a crash leaves the old file or the new one: write
    a temporary file beside it, fsync it, rename it over ``path``, fsync the folder.

    First it removes the temporary files that earlier writers of ``path`` on this machine left
    when they died before their rename: without that, a job killed again and again (on
    preemptible machines) would gather one file the size of the checkpoint per kill.
    """
    path = os.path.abspath(os.fspath(path))
    directory, name = os.path.split(path)
    _remove_abandoned_temporaries(directory, name)
    temporary = os.path.join(
        directory, f".{name}.{_HOST}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    )
    # os.open with 0o666 lets the umask set the permissions, as for any new file.
    fd = os.open(
        temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
    )
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def _remove_abandoned_temporaries(directory, name):
    pattern = re.compile(
        rf"\.{re.escape(name)}\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>[0-9]+)\.[0-9a-f]{{8}}\.tmp"
    )
    try:
        entries = os.listdir(directory)
    except OSError:
        return  # the save itself reports an unusable folder
    for entry in entries:
        found = pattern.fullmatch(entry)
        if found and found["host"] == _HOST and not _may_be_running(int(found["pid"])):
            try:
                os.unlink(os.path.join(directory, entry))
            except OSError:
                pass  # gone already (another save removed it), or still held open


def _may_be_running(pid):
    # Windows has no harmless liveness probe (os.kill ends the process there), but it refuses
    # to delete a file that another process holds open, so the removal itself tells.
    if os.name == "nt":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


def _fsync_directory(directory):
    # The rename is durable only once the directory entry is on disk; Windows cannot open one.
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


__all__ = ["write_atomically"]
