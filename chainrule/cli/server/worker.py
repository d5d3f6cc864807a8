"""The explorer's computations, run one at a time in a child process: one that runs past the
time limit is stopped by ending the process (a thread cannot be stopped), and a fresh one
takes its place.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading

from chainrule.cli.errors import CommandError
from chainrule.cli.server.answers import ANSWERS


class Timeout(Exception):
    """A computation ran past the time limit and was stopped."""


class Worker:
    """A child process that answers ``(kind, fields)`` with :data:`answers.ANSWERS`.

    :meth:`answer` returns ``("ok", value)``, ``("bad", line)`` for bad input or
    ``("failed", line)`` for a failure of chainrule's own, or raises :class:`Timeout`.
    """

    def __init__(self, time_limit):
        self.time_limit = time_limit
        # spawn: a fresh interpreter, not a fork of the server's threads.
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._process = None
        self._start()

    def _start(self):
        self._connection, child = self._context.Pipe()
        self._process = self._context.Process(target=serve, args=(child,), daemon=True)
        self._process.start()
        child.close()

    def answer(self, kind, fields):
        with self._lock:
            try:
                self._connection.send((kind, fields))
                if self._connection.poll(self.time_limit):
                    return self._connection.recv()
            except (EOFError, OSError):
                self._restart()
                return ("failed", "the computation's process ended unexpectedly; try again")
            self._restart()
            raise Timeout(f"the computation took longer than {self.time_limit:g} s and was stopped")

    def _restart(self):
        self._stop()
        self._start()

    def _stop(self):
        self._connection.close()
        self._process.terminate()
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def close(self):
        with self._lock:
            self._stop()


def serve(connection):
    """The child's loop: answer each request until the server closes the pipe."""
    # Ctrl-C in the terminal reaches the whole process group: the server stops this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            kind, fields = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(respond(ANSWERS, kind, fields))


def respond(answers, kind, fields):
    try:
        return ("ok", answers[kind](fields))
    except CommandError as error:
        return ("bad", str(error))
    except Exception as error:  # noqa: BLE001  (the page shows one line, never a traceback)
        return ("failed", f"{type(error).__name__}: {' '.join(str(error).split())}")


__all__ = ["Worker", "Timeout", "serve", "respond"]
