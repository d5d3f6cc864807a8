"""Seed article 000 run as a program: slopes, composite functions, the one-hidden-node network's
gradients by hand beside the engine, its training by gradient descent, and the classic mistakes
caught by cr.check_derivative (the code of docs/tutorials/000-one-hidden-node.md).
"""

import numpy as np

import chainrule as cr

print("slope of x² at 5:", cr.grad(lambda x: x**2)(5.0))

def J(theta):
    return (theta - 3) ** 2

alpha = 0.1
for theta in (5.0, 1.0, 3.0):
    slope = cr.grad(J)(theta)
    print(f"θ = {theta}: dJ/dθ = {slope:+.1f}, θ := {theta} - {alpha}·({slope:+.1f}) = "
          f"{theta - alpha * slope:.1f}")

x = 0.7
print("engine:", round(float(cr.grad(lambda x: cr.sin(cr.cos(x)))(x)), 6),
      " -cos(cos x)·sin x:", round(-np.cos(np.cos(x)) * np.sin(x), 6))

def sigmoid(x):
    return 1 / (1 + cr.exp(-x))

for x in (-2.0, 0.0, 0.5):
    s = 1 / (1 + np.exp(-x))
    print(f"x = {x}: engine {cr.grad(sigmoid)(x):.6f}  σ(1 - σ) {s * (1 - s):.6f}")

def network(W1, W2, X):
    h = sigmoid(W1 * X)
    return sigmoid(W2 * h), h

def difference(W1, W2, X, Y):
    Y_hat, _ = network(W1, W2, X)
    return Y - Y_hat

X, Y, W1, W2 = 0.8, 1.0, 0.3, -1.2
Y_hat, h = (float(v) for v in network(W1, W2, X))
by_hand = (-Y_hat * (1 - Y_hat) * W2 * h * (1 - h) * X, -Y_hat * (1 - Y_hat) * h)
engine = cr.grad(difference, argnums=(0, 1))(W1, W2, X, Y)
print(f"h = {h:.6f}, Ŷ = {Y_hat:.6f}, J = {Y - Y_hat:.6f}")
print(f"∂J/∂W1: by hand {by_hand[0]:.6f}  engine {engine[0]:.6f}")
print(f"∂J/∂W2: by hand {by_hand[1]:.6f}  engine {engine[1]:.6f}")

def cost(W1, W2, X, Y):
    Y_hat, _ = network(W1, W2, X)
    return 0.5 * (Y - Y_hat) ** 2

X, Y, W1, W2, alpha = 0.8, 0.2, 0.3, -1.2, 2.0
for step in range(1, 201):
    Y_hat, h = (float(v) for v in network(W1, W2, X))
    dJ_dW2 = -(Y - Y_hat) * Y_hat * (1 - Y_hat) * h
    dJ_dW1 = -(Y - Y_hat) * Y_hat * (1 - Y_hat) * W2 * h * (1 - h) * X
    engine = cr.grad(cost, argnums=(0, 1))(W1, W2, X, Y)
    assert np.allclose((dJ_dW1, dJ_dW2), engine)
    if step in (1, 2, 10, 50, 200):
        print(f"step {step:3}: Ŷ = {Y_hat:.4f}  J = {0.5 * (Y - Y_hat) ** 2:.6f}  "
              f"∂J/∂W1 = {dJ_dW1:+.5f}  ∂J/∂W2 = {dJ_dW2:+.5f}")
    W1, W2 = W1 - alpha * dJ_dW1, W2 - alpha * dJ_dW2
print(f"after 200 steps: W1 = {W1:.4f}, W2 = {W2:.4f}, Ŷ = {float(network(W1, W2, X)[0]):.4f}")

print(cr.check_derivative("sin(x)^2", "2*sin(x)*cos(x)"))     # right
print()
print(cr.check_derivative("sin(x)^2", "cos(x^2)*2*x"))        # inner and outer swapped
print()
print(cr.check_derivative("sin(x^2)", "cos(x^2)"))            # inner derivative forgotten
print()
print(cr.check_derivative("sin(cos(x))", "cos(-sin(x))"))     # f'(g'(x)) instead of f'(g(x))g'(x)
print()
print(cr.check_derivative("log(sin(x))", "1/sin(x)"))         # not seen as composite

print(cr.check_derivative("1/(1+exp(-x))", "exp(-x)/(1+exp(-x))^2").correct)
print(cr.check_derivative("1/(1+exp(-x))", "1/(1+exp(-x)) * (1 - 1/(1+exp(-x)))").correct)
h = "1/(1+exp(-0.3*0.8))"
Y_hat = f"1/(1+exp(-W2*{h}))"
print(cr.check_derivative(f"1 - {Y_hat}", f"-{Y_hat}*(1-{Y_hat})*{h}", wrt="W2").correct)
