"""Files replaced whole or not at all, and read only when they are regular files: the one home of
the atomic write that checkpoints, pictures and the data cache use, and of the guarded open.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import socket
import stat

# Temporary files are named .NAME.HOST.PID.RANDOM.tmp, so that a later write can tell those of
# writers that died before their rename (killed, or their machine lost power) from live ones.
_HOST = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname()) or "host"

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotARegularFile(OSError):
    """A directory, FIFO, device or socket where a regular file is read or replaced."""

    def __init__(self, path, mode, action):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        problem = f"it is {kind}, not a regular file (refusing to {action} it)"
        super().__init__(errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL, problem, path)


def write_atomically(path, data):
    """Replace the file ``path`` with the bytes ``data``, whole or not at all; see
    :func:`atomic_writer`.

    Example:
        >>> import os, tempfile
        >>> from chainrule.files import write_atomically
        >>> path = os.path.join(tempfile.mkdtemp(), "note.txt")
        >>> write_atomically(path, b"hello")
        >>> open(path, "rb").read()
        b'hello'
    """
    with atomic_writer(path) as file:
        file.write(data)


@contextlib.contextmanager
def atomic_writer(path):
    """A binary file whose bytes replace ``path`` when the block ends without an exception.

    The bytes go to a temporary file beside the target, are flushed to disk, renamed over it,
    and the folder entry is flushed: a crash leaves the old file or the new one, never a mix.
    An exception in the block leaves the old file as it was. A symlink is followed: its target
    is replaced and the link stays. A file already there keeps its permission bits (and its
    owner and group, where the process may set them). Anything but a regular file at the
    target — a directory, FIFO, device or socket — is refused before anything is written. The
    temporary files of earlier writers of the same target that died on this machine are
    removed first, so that a job killed again and again does not fill its folder.

    Raises:
        NotARegularFile: the target exists and is not a regular file.
        OSError: the folder is missing or not writable, the disk is full, ...

    Example:
        >>> import os, tempfile
        >>> from chainrule.files import atomic_writer
        >>> path = os.path.join(tempfile.mkdtemp(), "two-parts.txt")
        >>> with atomic_writer(path) as file:
        ...     _ = file.write(b"one ")
        ...     _ = file.write(b"two")
        >>> open(path, "rb").read()
        b'one two'
    """
    target = os.path.realpath(os.fspath(path))
    existing = _existing(target, "replace")
    directory, name = os.path.split(target)
    _remove_abandoned_temporaries(directory, name)
    temporary = os.path.join(directory, f".{name}.{_HOST}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # 0o666 lets the umask set a new file's permissions, as for any file the user creates.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    file = os.fdopen(os.open(temporary, flags, 0o666), "wb")
    try:
        with file:
            _keep_owner_and_mode(file.fileno(), existing)
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def check_replaceable(path):
    """Refuse ``path`` as :func:`atomic_writer` would, before any work: when what is there (a
    symlink followed) is not a regular file. Nothing there is fine: a new file is written.

    Raises:
        NotARegularFile: a directory, FIFO, device or socket is at ``path``.

    Example:
        >>> import tempfile
        >>> from chainrule.files import NotARegularFile, check_replaceable
        >>> check_replaceable("/no/such/folder/new.npz")  # nothing there: it may be written
        >>> try:
        ...     check_replaceable(tempfile.gettempdir())
        ... except NotARegularFile as error:
        ...     print(error.strerror)
        it is a directory, not a regular file (refusing to replace it)
    """
    _existing(os.path.realpath(os.fspath(path)), "replace")


def open_regular(path):
    """``path`` opened for reading in binary, once it is known to be a regular file.

    A FIFO would block the reader until someone writes to it, ``/dev/zero`` would never end,
    and opening some devices has effects: each is refused before it is opened (and checked
    again once open, in case the path changed in between).

    Raises:
        NotARegularFile: a directory, FIFO, device or socket.
        OSError: the file is missing or unreadable.

    Example:
        >>> import tempfile
        >>> from chainrule.files import NotARegularFile, open_regular
        >>> try:
        ...     open_regular(tempfile.gettempdir())
        ... except NotARegularFile as error:
        ...     print(error.strerror)
        it is a directory, not a regular file (refusing to read it)
    """
    path = os.fspath(path)
    _existing(path, "read", missing_ok=False)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise NotARegularFile(path, mode, "read")
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _existing(path, action, missing_ok=True):
    # The status of what is at ``path`` (None if nothing is), refused unless a regular file.
    try:
        status = os.stat(path)
    except FileNotFoundError:
        if missing_ok:
            return None
        raise
    if not stat.S_ISREG(status.st_mode):
        raise NotARegularFile(path, status.st_mode, action)
    return status


def _keep_owner_and_mode(descriptor, existing):
    if existing is None or not hasattr(os, "fchmod"):
        return  # a new file (the umask decides), or Windows (no POSIX permissions)
    # Only root may give a file away; a member of the file's group may keep the group.
    for owner in (existing.st_uid, -1):
        with contextlib.suppress(OSError):
            os.fchown(descriptor, owner, existing.st_gid)
            break
    # After fchown, which clears the set-user-ID and set-group-ID bits.
    os.fchmod(descriptor, stat.S_IMODE(existing.st_mode))


def _remove_abandoned_temporaries(directory, name):
    pattern = re.compile(
        rf"\.{re.escape(name)}\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>[0-9]+)\.[0-9a-f]{{8}}\.tmp"
    )
    try:
        entries = os.listdir(directory)
    except OSError:
        return  # the write itself reports an unusable folder
    for entry in entries:
        found = pattern.fullmatch(entry)
        if found and found["host"] == _HOST and not _may_be_running(int(found["pid"])):
            # Gone already (another writer removed it), or still held open (Windows).
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(directory, entry))


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
    # The rename is durable only once the folder entry is on disk; Windows cannot open a folder.
    if os.name == "nt":
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


__all__ = [
    "NotARegularFile",
    "atomic_writer",
    "check_replaceable",
    "open_regular",
    "write_atomically",
]
