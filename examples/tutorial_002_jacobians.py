"""Seed article 002 run as a program: compositions, the sigmoid in four steps, the weather along a
path by both chain rules, Jacobians, directional derivatives and the cost of each mode (the code
of docs/tutorials/002-jacobians-and-directional-derivatives.md).
"""

import numpy as np

import chainrule as cr

def minus_three(x):             # the article's f
    return x - 3

def cube(x):                    # the article's g
    return x**3

x = 5.0
print("engine:", cr.grad(lambda x: cube(minus_three(x)))(x), " by hand:", 3 * (x - 3) ** 2)

for x in (0.5, 1.7, 3.0):
    engine = cr.grad(lambda x: cr.cos((x - 2) ** 3))(x)
    by_hand = -3 * np.sin((x - 2) ** 3) * (x - 2) ** 2
    middle_line = -np.sin((x - 2) ** 3) * 3 * (x - 2)
    print(f"x = {x}: engine {engine:.6f}  last line {by_hand:.6f}  middle line {middle_line:.6f}")
print("d/dx (x - 2)**2 at 5:", cr.grad(lambda x: (x - 2) ** 2)(5.0), "= 2(5 - 2)")

def sigmoid(x):
    a = -x
    b = cr.exp(a)
    c = 1 + b
    d = 1 / c
    return d

print(cr.explain(sigmoid, 0.5))
x = 0.5
print("e^-x / (1 + e^-x)^2 =", round(np.exp(-x) / (1 + np.exp(-x)) ** 2, 6))

def g(t):
    return t, t**2, t**3

def weather(x, y, z):
    return x**2 + 5 * y + 10 * z + x * y * z

t = 2.0
print("engine:", cr.grad(lambda t: weather(*g(t)))(t), " by hand:", 12 * t + 30 * t**2 + 6 * t**5)

Df = np.array(cr.grad(weather, argnums=(0, 1, 2))(*g(t)))
Dg = cr.jacobian(lambda t: cr.stack(g(t)))(t)
print("Df(g(t)) =", Df, " expected", [2 * t + t**5, t**4 + 5, t**3 + 10])
print("Dg(t) =", Dg, " expected", [1, 2 * t, 3 * t**2])
print("Df(g(t)) · Dg(t) =", Df @ Dg)
print(cr.explain([g, weather], t).text().split("\n\n")[-1])

value, along = cr.jvp(weather, g(t), tuple(Dg))
print("f(g(t)) =", value, " D_v f =", along, " ∇f · v =", Df @ Dg)

print(cr.explain(weather, *g(t)).text().split("\n\n")[-1])
print(cr.explain(g, t).text().split("\n\n")[-1])

forward = cr.jacobian(lambda t: cr.stack(g(t)), mode="forward")(t)
reverse = cr.jacobian(lambda t: cr.stack(g(t)), mode="reverse")(t)
print("forward:", forward, " reverse:", reverse)

a = 0.7
Df_at = cr.jacobian(cr.sin)(np.cos(a))     # f = sin, at g(a)
Dg_at = cr.jacobian(cr.cos)(a)             # g = cos
print("Df(g(a)) · Dg(a) =", round(float(Df_at * Dg_at), 6),
      " d/da sin(cos(a)) =", round(float(cr.grad(lambda a: cr.sin(cr.cos(a)))(a)), 6))
