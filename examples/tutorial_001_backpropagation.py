"""Seed article 001 run as a program: the chain rule in one and several variables, backpropagation
through a two-layer network one local Jacobian at a time, and SGD, momentum and Adam compared
(the code of docs/tutorials/001-backpropagation-layer-by-layer.md).
"""

import numpy as np

import chainrule as cr
from chainrule import optim

np.set_printoptions(precision=4, suppress=True)

x = 1.5
print("engine:", cr.grad(lambda x: (x**2 + 1) ** 3)(x), " 6x(x² + 1)²:", 6 * x * (x**2 + 1) ** 2)

def z_of(t):
    x, y = t**2, cr.sin(t)
    return x * y

t = 0.8
x, y = t**2, np.sin(t)
print("engine:", round(float(cr.grad(z_of)(t)), 6),
      " sum over paths:", round(y * 2 * t + x * np.cos(t), 6))

rng = np.random.default_rng(0)
W1, b1 = rng.normal(size=(4, 3)), np.zeros(4)
W2, b2 = rng.normal(size=(2, 4)), np.zeros(2)
x, y = np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.0])

def layer1(W1, b1, x):
    return cr.sigmoid(W1 @ x + b1)

def layer2(W2, b2, h):
    return W2 @ h + b2

def loss(o, y):
    return 0.5 * cr.sum((o - y) ** 2)

z1 = W1 @ x + b1
h = 1 / (1 + np.exp(-z1))
o = W2 @ h + b2
print("h =", h, " o =", o, " J =", round(float(loss(o, y)), 6))

dJ_do = cr.jacobian(lambda o: loss(o, y))(o)                 # 1×2: (o − y)ᵀ
do_dh = cr.jacobian(lambda h: layer2(W2, b2, h))(h)          # 2×4: W2
dh_dz1 = cr.jacobian(cr.sigmoid)(z1)                         # 4×4: diag(σ(z1)(1 − σ(z1)))
E00 = np.zeros((4, 3))
E00[0, 0] = 1.0                                              # the direction of W1[0, 0]
dz1_dw = cr.jacobian(lambda w: (W1 + w * E00) @ x + b1)(0.0) # 4×1: x[0] in row 0
print("∂J/∂o =", dJ_do, " o − y =", o - y)
print("∂o/∂h equals W2:", np.array_equal(do_dh, W2))
print(do_dh)
print("∂h/∂z1 = diag", np.diag(dh_dz1), " σ(1 − σ) =", h * (1 - h))
print("∂z1/∂W1[0,0] =", dz1_dw, " (x[0] at row 0)")

chain = dJ_do @ do_dh @ dh_dz1 @ dz1_dw
grads = cr.grad(lambda W1, b1, W2, b2: loss(layer2(W2, b2, layer1(W1, b1, x)), y),
                argnums=(0, 1, 2, 3))(W1, b1, W2, b2)
print("product of the local Jacobians:", round(float(chain), 6))
print("engine's ∂J/∂W1[0,0]:          ", round(float(grads[0][0, 0]), 6))

delta2 = o - y
delta1 = (W2.T @ delta2) * h * (1 - h)
print("∂J/∂W2 by hand = engine:", np.allclose(np.outer(delta2, h), grads[2]))
print("∂J/∂W1 by hand = engine:", np.allclose(np.outer(delta1, x), grads[0]))
print("∂J/∂W1 =\n", grads[0])

inputs = rng.normal(size=(64, 3))
teacher = np.tanh(inputs @ rng.normal(size=(3, 2)))

def batch_loss(W1, b1, W2, b2):
    h = cr.sigmoid(inputs @ W1.T + b1)
    return 0.5 * cr.mean(cr.sum((h @ W2.T + b2 - teacher) ** 2, axis=1))

def train(make_optimizer, steps=300):
    params = [cr.tensor(p.copy(), requires_grad=True) for p in (W1, b1, W2, b2)]
    optimizer = make_optimizer(params)
    losses = []
    for _ in range(steps):
        J = batch_loss(*params)
        optimizer.zero_grad()
        J.backward()                 # the backward pass: ∂J/∂θ in each .grad
        optimizer.step()             # the update
        losses.append(J.item())
    return losses

runs = {
    "gradient descent (lr 0.5)": train(lambda p: optim.SGD(p, lr=0.5)),
    "momentum 0.9 (lr 0.05)": train(lambda p: optim.SGD(p, lr=0.05, momentum=0.9)),
    "Adam (lr 0.05)": train(lambda p: optim.Adam(p, lr=0.05)),
}
print(f"{'step':>28}" + "".join(f"{s:>9}" for s in (1, 10, 50, 100, 300)))
for name, losses in runs.items():
    print(f"{name:>28}" + "".join(f"{losses[s - 1]:9.4f}" for s in (1, 10, 50, 100, 300)))
