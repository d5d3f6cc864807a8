"""The optimizers' published update rules, written out plainly in float64, and a step driver.

Each reference takes the starting value and a list of gradients and returns the value after each
step; the tests hold chainrule's optimizers to them.
"""

import numpy as np

import chainrule as cr


def run(make_optimizer, start, grads, dtype=np.float64):
    """Values of one parameter after each step of ``make_optimizer([p])`` fed ``grads``."""
    p = cr.tensor(np.asarray(start, dtype=dtype), requires_grad=True)
    optimizer = make_optimizer([p])
    values = []
    for grad in grads:
        p.grad = cr.tensor(np.asarray(grad, dtype=dtype))
        optimizer.step()
        values.append(p.numpy().copy())
    return values


def sgd(theta, grads, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    theta, buffer, values = np.asarray(theta, dtype=float), None, []
    for g in map(np.asarray, grads):
        g = g + weight_decay * theta
        if momentum:
            buffer = g if buffer is None else momentum * buffer + (1 - dampening) * g
            g = g + momentum * buffer if nesterov else buffer
        theta = theta - lr * g
        values.append(theta)
    return values


def adam(
    theta, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, decoupled=False
):
    beta1, beta2 = betas
    theta, values = np.asarray(theta, dtype=float), []
    m = v = v_max = np.zeros_like(theta)
    for t, g in enumerate(map(np.asarray, grads), start=1):
        if decoupled:
            theta = theta * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_max = np.maximum(v_max, v)
        m_hat = m / (1 - beta1**t)
        v_hat = (v_max if amsgrad else v) / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        values.append(theta)
    return values


def rmsprop(theta, grads, lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    theta, values = np.asarray(theta, dtype=float), []
    v = g_avg = buffer = np.zeros_like(theta)
    for g in map(np.asarray, grads):
        g = g + weight_decay * theta
        v = alpha * v + (1 - alpha) * g**2
        g_avg = alpha * g_avg + (1 - alpha) * g
        denominator = np.sqrt(v - g_avg**2 if centered else v) + eps
        if momentum:
            buffer = momentum * buffer + g / denominator
            theta = theta - lr * buffer
        else:
            theta = theta - lr * g / denominator
        values.append(theta)
    return values
