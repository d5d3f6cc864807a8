"""Threads and asyncio tasks: each has its own grad mode, jit trace, forward levels and hooks;
many threads differentiating at once get the answers one thread gets alone."""

import asyncio
import contextlib
import sys
import threading

import numpy as np
import pytest

import chainrule as cr
from chainrule.graph import mutation

THREADS = 6
ROUNDS = 150  # 6 threads × 150 rounds × 7 kinds of call: 6,300 calls


@contextlib.contextmanager
def switching_often():
    """Let the interpreter switch threads after (almost) every bytecode, to shake out races."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def run_threads(work, count=THREADS):
    """Run ``work(k)`` in ``count`` threads, started together; return the exceptions raised."""
    errors = []
    start = threading.Barrier(count)

    def body(k):
        start.wait()
        try:
            work(k)
        except BaseException as error:  # every failure, reported by the test
            errors.append(error)

    threads = [threading.Thread(target=body, args=(k,)) for k in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def f(x):
    return cr.sum(cr.sin(x) * x + x**3)


jitted_grad = cr.jit(cr.grad(f))


def train(w0, x, y, steps=3):
    """A few steps of least squares with SGD on a weight of its own."""
    w = cr.tensor(w0, requires_grad=True)
    optimizer = cr.optim.SGD([w], lr=0.05)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = cr.mean((x @ w - y) ** 2)
        loss.backward()
        optimizer.step()
    return w.numpy().copy()


def one_round(x):
    """Every kind of call on ``x``, with grad mode checked between them: a dict of results."""
    out = {}
    with cr.no_grad():
        assert not cr.is_grad_enabled()
        assert not (cr.tensor(x, requires_grad=True) * 2).requires_grad
    assert cr.is_grad_enabled()
    leaf = cr.tensor(x, requires_grad=True)
    f(leaf).backward()
    out["backward"] = leaf.grad.numpy()
    out["grad"] = cr.grad(f)(x)
    out["jvp"] = cr.jvp(f, (x,), (np.ones_like(x),))[1]
    out["hessian"] = cr.hessian(f)(x)
    out["jit"] = jitted_grad(x)
    out["train"] = train(x[:2], np.outer(x, [1.0, -1.0]), x)
    assert cr.is_grad_enabled()
    return out


def test_threads_mixing_every_transform_get_the_single_threaded_answers():
    data = [np.linspace(-1.0, 1.0, 3) * (k + 1) / THREADS for k in range(THREADS)]
    expected = [one_round(x) for x in data]
    wrong = []

    def work(k):
        for _ in range(ROUNDS):
            got = one_round(data[k])
            wrong.extend(name for name, value in got.items()
                         if not np.allclose(value, expected[k][name], rtol=1e-12, atol=0))

    with switching_often():
        errors = run_threads(work)
    assert errors == [] and wrong == []
    assert cr.is_grad_enabled()


def test_a_thread_looping_no_grad_never_changes_another_threads_grad_mode():
    stop = threading.Event()
    seen_off = []

    def toggler():
        while not stop.is_set():
            with cr.no_grad():
                pass

    def reader():
        x = cr.tensor(2.0, requires_grad=True)
        for _ in range(2000):
            seen_off.append(not cr.is_grad_enabled())
            (x * x).backward()

    other = threading.Thread(target=toggler)
    with switching_often():
        other.start()
        try:
            errors = run_threads(lambda k: reader(), count=1)
        finally:
            stop.set()
            other.join()
    assert errors == [] and not any(seen_off)
    assert cr.is_grad_enabled()


@pytest.mark.skipif(getattr(sys.flags, "thread_inherit_context", False),
                    reason="this build starts a thread from a copy of its creator's context")
def test_a_new_thread_starts_with_grad_on_whatever_its_creator_set():
    seen = []
    with cr.no_grad():
        thread = threading.Thread(target=lambda: seen.append(cr.is_grad_enabled()))
        thread.start()
        thread.join()
    assert seen == [True]


def test_asyncio_tasks_each_keep_their_own_grad_mode_across_awaits():
    async def task(mode, seen):
        with cr.set_grad_enabled(mode):
            for _ in range(20):
                await asyncio.sleep(0)
                x = cr.tensor(1.0, requires_grad=True)
                seen.append((cr.is_grad_enabled(), (x * 2).requires_grad))

    async def both():
        off, on = [], []
        await asyncio.gather(task(False, off), task(True, on))
        return off, on

    off, on = asyncio.run(both())
    assert off == [(False, False)] * 20 and on == [(True, True)] * 20
    assert cr.is_grad_enabled()


def test_the_in_place_epoch_loses_no_write_and_never_goes_back():
    per_thread = 5000
    start = mutation.epoch
    backwards = []

    def work(k):
        x = cr.tensor(np.zeros(2))
        last = 0
        for _ in range(per_thread):
            x += 1.0
            epoch = x._version
            if epoch <= last:
                backwards.append((last, epoch))
            last = epoch

    with switching_often():
        errors = run_threads(work, count=4)
    assert errors == [] and backwards == []
    assert mutation.epoch == start + 4 * per_thread


def test_a_writes_saved_value_is_still_caught_when_another_thread_writes_too():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = y * y
    run_threads(lambda k: cr.tensor(np.zeros(2)).__iadd__(1.0), count=3)
    with cr.no_grad():
        y += 1
    with pytest.raises(RuntimeError, match="modified in place"):
        z.sum().backward()
