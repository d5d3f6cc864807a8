"""The training loop: ``fit`` repeats forward pass → loss → backward pass → optimizer step over
the batches of each epoch, and ``evaluate`` measures a model on data without recording.
"""

from __future__ import annotations

import contextlib
import operator
import time
from dataclasses import dataclass

from chainrule.data import DataLoader
from chainrule.modes import no_grad
from chainrule.optim import clip_grad_norm_
from chainrule.random import manual_seed
from chainrule.train.callbacks import EarlyStopping
from chainrule.train.data_parallel import DataParallel
from chainrule.train.history import History
from chainrule.train.jitted_step import jitted_step
from chainrule.train.metrics import RunningMeans, named_metrics
from chainrule.train.progress import ProgressBar, is_terminal
from chainrule.train.resume import restore_run, save_run


def fit(
    model,
    loss_fn,
    optimizer,
    train_loader,
    epochs=1,
    *,
    val_loader=None,
    metrics=("loss", "accuracy"),
    callbacks=(),
    scheduler=None,
    early_stopping=None,
    seed=None,
    progress=None,
    clip_grad_norm=None,
    checkpoint=None,
    checkpoint_extra=None,
    resume=None,
    distributed=False,
    jit=None,
):
    """Train ``model`` for ``epochs`` epochs and return the :class:`History` of each epoch.

    Each batch ``(inputs..., target)`` takes one step: ``output = model(*inputs)``,
    ``loss = loss_fn(output, target)``, ``optimizer.zero_grad()``, ``loss.backward()``,
    (clip the gradients), ``optimizer.step()``. After each epoch the model is measured on
    ``val_loader`` (if given), the schedule steps, and a checkpoint is written (if asked).

    Args:
        model: a Module (or any callable; ``train()``/``eval()`` are used when it has them).
        loss_fn: ``loss_fn(output, target)`` → a 0-d tensor, e.g. ``nn.CrossEntropyLoss()``.
        optimizer: an optimizer over the model's parameters.
        train_loader: an iterable of batches with a length, e.g. a ``DataLoader``.
        epochs: the epoch to train up to (counted with the epochs of a resumed run).
        val_loader: batches to :func:`evaluate` on after each epoch (``val_*`` in the history).
        metrics: "loss" (always measured), "accuracy", or functions ``f(output, target)`` →
            float, averaged over examples and recorded under their ``__name__``.
        callbacks: :class:`Callback` objects; what their ``on_epoch_end`` adds to its logs
            is recorded in the history (e.g. :class:`GradientNorms`).
        scheduler: a learning-rate schedule, stepped once after each epoch.
        early_stopping: an :class:`EarlyStopping`, or an int: the patience on ``val_loss``.
        seed: make the run repeatable: ``chainrule.manual_seed(seed)`` (dropout draws from
            that generator) and, when ``train_loader`` shuffles without a seed or generator of
            its own, the seed of its order.
        progress: None shows a live progress line on a terminal and nothing elsewhere; True
            also writes one line per epoch when stderr is not a terminal; False shows nothing.
        clip_grad_norm: clip the joint norm of the gradients to this before each step.
        checkpoint: a path to write the run to after each epoch (atomically).
        checkpoint_extra: a dict of JSON-like values to keep in that checkpoint (e.g. the
            settings that build the model); ``chainrule.checkpoint.load(path)`` returns them.
        resume: a path written by ``checkpoint=``: restore the model, optimizer, schedule,
            random generators and history, and go on from the epoch after the saved one.
        distributed: train data-parallel over the ranks of an MPI job (``mpiexec -n N``;
            needs ``chainrule[mpi]``): True, or a ``chainrule.distributed.World``. Every rank
            runs the same ``fit`` with the whole dataset; ``train_loader``'s batch size is per
            rank, and each rank takes its share of every global batch of N times that many.
            The ranks' models are checked to agree and start from rank 0's parameters (or
            all from ``resume``), gradients are averaged over the global batch before each
            step, the history holds means over all ranks, and rank 0 alone writes
            ``checkpoint``. See docs/scaling.md.
        jit: take each step's forward pass, loss and backward pass as one program traced
            by ``chainrule.jit`` and replayed (the update stays the optimizer's): None (the
            default) wherever that computes what the eager step computes (chainrule's own
            modules, losses and callbacks, no buffers, not distributed, the optimizer over
            the model's parameters), else the eager step; True always (ValueError where it
            cannot); False never. The parameters come out the same either way, to float
            rounding (docs/training.md).

    Returns:
        A :class:`History`: per epoch ``epoch``, ``train_loss``, ``train_accuracy``,
        ``val_loss``, ``val_accuracy``, ``lr`` and ``time`` (seconds).

    Raises:
        ValueError: a bad argument, batches that are not ``(inputs..., target)``, or
            ``jit=True`` where the step cannot be jitted.
        TraceError: ``jit=True`` and the model or loss does what a trace cannot replay.
        CheckpointError: ``resume`` cannot be read or does not fit.
        DistributedError: (distributed) the ranks' models or data differ, or another rank
            failed to read ``resume`` or write ``checkpoint``.
        ImportError: ``distributed`` without mpi4py installed.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.data import ArrayDataset, DataLoader
        >>> from chainrule.train import fit
        >>> x = np.random.default_rng(0).normal(size=(64, 2)).astype(np.float32)
        >>> loader = DataLoader(ArrayDataset(x, (x[:, 0] > 0).astype(int)), batch_size=16)
        >>> model = nn.Linear(2, 2)
        >>> history = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.5),
        ...               loader, epochs=20, seed=0)
        >>> history["train_accuracy"][-1] > 0.9
        True
    """
    epochs = _count(epochs, "epochs")
    named_metrics(metrics)  # refuse an unknown metric before training
    if seed is not None:
        _seed(seed, train_loader)
    parallel = DataParallel(distributed, train_loader, loss_fn) if distributed else None
    with parallel.guard() if parallel else contextlib.nullcontext():
        history, done = _start(parallel, model, optimizer, scheduler, train_loader, resume)
        if parallel is not None and not parallel.is_root:
            progress = False  # one progress line for the job, rank 0's
        hooks = _hooks(callbacks, early_stopping, progress, model, optimizer)
        jitted = jitted_step(jit, model, loss_fn, optimizer, parallel, hooks)
        run = _Run(
            model,
            loss_fn,
            optimizer,
            train_loader,
            val_loader,
            metrics,
            hooks,
            clip_grad_norm,
            parallel,
            jitted,
        )
        return _train(run, epochs, history, done, (scheduler, checkpoint, checkpoint_extra))


def _start(parallel, model, optimizer, scheduler, train_loader, resume):
    # (history, epochs done) of a resumed run, or of a fresh one.
    if parallel is not None:
        restored = parallel.start(model, optimizer, scheduler, resume)
    elif resume is not None:
        restored = restore_run(resume, model, optimizer, scheduler, train_loader)
    else:
        restored = None
    return restored if restored is not None else (History(), 0)


def _train(run, epochs, history, done, saving):
    scheduler, checkpoint, checkpoint_extra = saving
    hooks, steps = run.hooks, len(run.batches)
    _call(hooks, "on_train_begin", {"epochs": epochs, "initial_epoch": done, "steps": steps})
    try:
        for epoch in range(done + 1, epochs + 1):
            logs = _epoch(run, epoch)
            # The hooks see one dict, so what a callback adds to it (GradientNorms' norms) is
            # in the history, the checkpoint and the callbacks after it.
            stop = any([hook.on_epoch_end(epoch, logs) for hook in hooks])
            history.append(logs)
            if scheduler is not None:
                scheduler.step()
            if checkpoint is not None:
                _save(run, checkpoint, scheduler, history, checkpoint_extra)
            if stop:
                break
    finally:
        for hook in hooks:
            if isinstance(hook, ProgressBar):
                hook.close()  # an interrupted progress line still ends with its newline
    _call(hooks, "on_train_end", history.last())
    return history


@dataclass
class _Run:
    model: object
    loss_fn: object
    optimizer: object
    train_loader: object
    val_loader: object
    metrics: tuple
    hooks: list
    clip_grad_norm: object
    parallel: object = None
    jitted: object = None

    @property
    def batches(self):
        """This process's batches: the loader's, or its share of them when data-parallel."""
        return self.train_loader if self.parallel is None else self.parallel.batches


def _save(run, path, scheduler, history, extra):
    state = (run.model, run.optimizer, scheduler)
    if run.parallel is not None:
        run.parallel.save(path, *state, history, extra)
    else:
        save_run(path, *state, run.train_loader, history, extra)


def _epoch(run, epoch):
    """One epoch: a step per batch, then the validation; returns the epoch's record."""
    lr, start = _lr(run.optimizer), time.perf_counter()
    for hook in run.hooks:
        hook.on_epoch_begin(epoch, {"lr": lr})
    _set_mode(run.model, training=True)
    means = RunningMeans(named_metrics(run.metrics))
    for batch_number, batch in enumerate(run.batches, 1):
        output, loss, target = _step(run, batch)
        loss_value, size = float("nan"), 0  # a data-parallel rank with no share of the batch
        if loss is not None:
            loss_value = loss.item()
            size = means.update(output, target, loss_value)
        for hook in run.hooks:
            hook.on_batch_end(batch_number, {"loss": loss_value, "size": size})
    if run.parallel is not None:
        run.parallel.combine_means(means)
    logs = {"epoch": epoch, **_prefixed(means.means(), "train_")}
    if run.val_loader is not None:
        scores = evaluate(run.model, run.loss_fn, run.val_loader, run.metrics)
        logs.update(_prefixed(scores, "val_"))
    logs["lr"], logs["time"] = lr, time.perf_counter() - start
    return logs


def train_step(model, loss_fn, optimizer, inputs, target, clip_grad_norm=None):
    """One step of gradient descent: forward pass, loss, backward pass, update.

    Returns ``(output, loss)`` as computed before the update.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn, optim
        >>> from chainrule.train import train_step
        >>> model = nn.Linear(1, 1)
        >>> optimizer = optim.SGD(model.parameters(), lr=0.1)
        >>> x, y = np.ones((4, 1), dtype=np.float32), np.zeros((4, 1), dtype=np.float32)
        >>> losses = [train_step(model, nn.MSELoss(), optimizer, (x,), y)[1].item()
        ...           for _ in range(3)]
        >>> losses[0] > losses[1] > losses[2]
        True
    """
    output = model(*inputs)
    loss = loss_fn(output, target)
    optimizer.zero_grad()
    loss.backward()
    _update(optimizer, clip_grad_norm)
    return output, loss


def _step(run, batch):
    # (output, loss, target) of one step: train_step's, and, data-parallel, the gradients
    # all-reduced before the update. A rank whose share of the last batch is empty gets
    # (None, None, None) but still joins the all-reduce.
    output = loss = target = None
    if batch or run.parallel is None:
        inputs, target = split_batch(batch)
        computed = run.jitted and run.jitted.gradients(inputs, target)
        if computed:  # every .grad is set: the update is the eager step's
            _update(run.optimizer, run.clip_grad_norm)
            return (*computed, target)
        output = run.model(*inputs)
        loss = run.loss_fn(output, target)
    run.optimizer.zero_grad()
    if loss is not None:
        loss.backward()
    if run.parallel is not None:
        run.parallel.gradients(_parameters(run.optimizer), target)
    _update(run.optimizer, run.clip_grad_norm)
    return output, loss, target


def _update(optimizer, clip_grad_norm):
    if clip_grad_norm is not None:
        clip_grad_norm_(_parameters(optimizer), clip_grad_norm)
    optimizer.step()


def _parameters(optimizer):
    return [p for group in optimizer.param_groups for p in group["params"]]


def evaluate(model, loss_fn, loader, metrics=("loss", "accuracy")):
    """The mean loss and metrics of ``model`` over ``loader``, in eval mode and recording nothing.

    The model's train/eval mode is put back afterwards.

    Returns:
        ``{"loss": ..., "accuracy": ..., ...}``: means over the examples.

    Example:
        >>> import numpy as np
        >>> from chainrule import nn
        >>> from chainrule.train import evaluate
        >>> model = nn.Linear(2, 2)
        >>> batches = [(np.eye(2, dtype=np.float32), np.array([0, 1]))]
        >>> sorted(evaluate(model, nn.CrossEntropyLoss(), batches))
        ['accuracy', 'loss']
    """
    means = RunningMeans(named_metrics(metrics))
    was_training = getattr(model, "training", None)
    _set_mode(model, training=False)
    try:
        with no_grad():
            for batch in loader:
                inputs, target = split_batch(batch)
                output = model(*inputs)
                means.update(output, target, loss_fn(output, target).item())
    finally:
        if was_training is not None:
            _set_mode(model, training=was_training)
    return means.means()


def split_batch(batch):
    """``(inputs, target)`` from a batch ``(inputs..., target)``."""
    if not isinstance(batch, (tuple, list)) or len(batch) < 2:
        kind = f"a batch of {len(batch)} field" if isinstance(batch, (tuple, list)) else "a"
        raise ValueError(
            f"training needs batches of (inputs..., target), got {kind} "
            f"{type(batch).__name__}; make the dataset with the targets, e.g. "
            "ArrayDataset(x, y)"
        )
    return tuple(batch[:-1]), batch[-1]


def _hooks(callbacks, early_stopping, progress, model, optimizer):
    hooks = []
    if progress is True or (progress is None and is_terminal(ProgressBar().stream)):
        # The progress line goes first, so that it ends its line before others print.
        hooks.append(ProgressBar())
    hooks.extend(callbacks)
    if isinstance(early_stopping, int) and not isinstance(early_stopping, bool):
        early_stopping = EarlyStopping(patience=early_stopping)
    if early_stopping is not None:
        hooks.append(early_stopping)
    for hook in hooks:
        hook.model, hook.optimizer = model, optimizer
    return hooks


def _call(hooks, name, logs):
    for hook in hooks:
        getattr(hook, name)(dict(logs))


def _seed(seed, loader):
    manual_seed(seed)
    if isinstance(loader, DataLoader) and loader.shuffle and loader.seed is None:
        if loader.generator is None:
            loader.seed = seed


def _set_mode(model, training):
    if callable(getattr(model, "train", None)):
        model.train(training)


def _lr(optimizer):
    return float(optimizer.param_groups[0]["lr"])


def _prefixed(logs, prefix):
    return {prefix + key: value for key, value in logs.items()}


def _count(value, name):
    try:
        count = operator.index(value)
    except TypeError:
        count = -1
    if count < 0 or isinstance(value, bool):
        raise ValueError(f"{name} must be an int >= 0, got {value!r}")
    return count


__all__ = ["fit", "evaluate", "train_step", "split_batch"]
