"""Hostile and generated formulas for fuzzing the formula parser and the command line.

Every input comes from a seeded generator, so a failure is reproduced by its seed and index.
Categories: random token soups, well-formed random formulas, deep nesting, huge numbers,
unicode and control characters, very long inputs, and injection attempts that would leave a
trace (a marker file, an environment variable) if any of them ran. Print the counts with::

    python -m tests.reliability.hostile
"""

from __future__ import annotations

import random
import sys

from chainrule.explanation.formulas.expression import FUNCTIONS, MAX_DEPTH, MAX_LENGTH

# Set by the injection attempts that touch the environment; must stay unset.
CANARY_VARIABLE = "CHAINRULE_FUZZ_CANARY"
MARKER = "@MARKER@"

NAMES = (
    "x y z x1 pi e inf nan None True _ __class__ __import__ os open eval exec lambda self grad "
    "cr np"
).split()
NUMBERS = "0 1 2 0.5 1e3 1e-300 1e308 1e309 -1 007 0x1F 0b101 0o17 1_000 1j 3. .5 1e 5e-324".split()
NUMBERS += ["9" * 400, "1" + "0" * 309]
OPERATORS = (
    "+ - * / ** ^ % // @ << >> & | ~ < > == != <= := = and or not if else in is lambda : , ; . "
    "[ ] { } ( ) ( ) ' \" ` \\ # $ ? ! ... * ** f' b'"
).split()
OPERATORS += ["\n", "\t", " "]
UNICODE = "σ π ∂ √ × ÷ − ² ½ ｓｉｎ ｘ ＿＿import＿＿ é 😀 𝑥 ℯ Ⅻ".split()
UNICODE += ["x\u0301", "\u200b", "\u200f", "\u202e", "\ufeff", "\ud800", "\x00", "\x07"]
UNICODE += ["\x1b[31m", "\r", "\x0b", "\x0c", "\x7f", "\u2028", "\U0010ffff"]

# Each would create MARKER (a file) or set CANARY_VARIABLE if Python evaluated it.
INJECTIONS = [
    "__import__('os').system('touch @MARKER@')",
    "__import__('pathlib').Path('@MARKER@').touch()",
    "open('@MARKER@', 'w')",
    "open('@MARKER@', 'w').write('ran')",
    "exec(\"open('@MARKER@', 'w')\")",
    "eval(\"open('@MARKER@', 'w')\")",
    "exec(compile(\"open('@MARKER@', 'w')\", '', 'exec'))",
    "(lambda: open('@MARKER@', 'w'))()",
    "(lambda f=open: f('@MARKER@', 'w'))()",
    "[open('@MARKER@', 'w') for _ in (1,)]",
    "{open('@MARKER@', 'w') for _ in (1,)}",
    "{k: open('@MARKER@', 'w') for k in (1,)}",
    "next(open('@MARKER@', 'w') for _ in (1,))",
    "f\"{open('@MARKER@', 'w')}\"",
    'f\'{__import__("os").system("touch @MARKER@")}\'',
    "(x := open('@MARKER@', 'w'))",
    "[*map(open, ['@MARKER@'], ['w'])]",
    "sin(*map(open, ['@MARKER@'], ['w']))",
    "sin(**{'x': open('@MARKER@', 'w')})",
    "sin(x, key=open('@MARKER@', 'w'))",
    "x[__import__('os').system('touch @MARKER@')]",
    "x[open('@MARKER@', 'w'):1]",
    "sin(x) if open('@MARKER@', 'w') else x",
    "x and open('@MARKER@', 'w')",
    "x or open('@MARKER@', 'w')",
    "not open('@MARKER@', 'w')",
    "x < open('@MARKER@', 'w')",
    "x @ open('@MARKER@', 'w')",
    "x % open('@MARKER@', 'w')",
    "x + open('@MARKER@', 'w').__class__",
    "().__class__.__base__.__subclasses__()",
    "().__class__.__bases__[0].__subclasses__()[0]",
    "sin.__globals__['__builtins__']['open']('@MARKER@', 'w')",
    "sin.__call__.__self__",
    "x.__class__.__init__.__globals__",
    "getattr(__builtins__, 'open')('@MARKER@', 'w')",
    "globals()['__builtins__'].open('@MARKER@', 'w')",
    "__builtins__.__dict__['open']('@MARKER@', 'w')",
    "vars()['open']('@MARKER@', 'w')",
    "sin(open)('@MARKER@', 'w')",
    "exp(x)(open('@MARKER@', 'w'))",
    "breakpoint()",
    "__import__('os').environ.__setitem__('CHAINRULE_FUZZ_CANARY', '1')",
    "__import__('os').putenv('CHAINRULE_FUZZ_CANARY', '1')",
    "vars(__import__('os'))['environ'].update(CHAINRULE_FUZZ_CANARY='1')",
    "[__import__('os').environ.setdefault('CHAINRULE_FUZZ_CANARY', '1')]",
    "x; open('@MARKER@', 'w')",
    "x\nopen('@MARKER@', 'w')",
    "x  # open('@MARKER@', 'w')",
    "import os; os.system('touch @MARKER@')",
    "from os import system",
    "ｏｐｅｎ('@MARKER@', 'w')",
    "＿＿import＿＿('os').system('touch @MARKER@')",
    "await open('@MARKER@', 'w')",
    "(yield open('@MARKER@', 'w'))",
    "x.real",
    "x[0]",
    "x[1:2]",
    "'abc'",
    "b'x'",
    "1j * x",
    "...",
    "None",
    "True + x",
    "x if x else y",
    "~x",
    "x << 2",
    "x // y",
    "lambda: 0",
    "9**9**9**9",
    "x**9**9**9",
    "10**10**10",
    "2**1024",
    "(-8)**(1/3)",
    "x**1e308",
    "1e308*10",
    "exp(1e308)",
    "log(0)",
    "0/0",
    "1/0",
    "x/0",
    "sin(x, y)",
    "maximum(x)",
    "clip(x, 1)",
    "pow(x)",
    "sin()",
    "sin",
    "sin(x)(x)",
    "x(1)",
    "pi(2)",
    "e.x",
]

WRAPPERS = ["{}", "sin({})", "x + {}", "({})", "{} * 2", "  {}", "{}\n", "exp(-({}))"]


def injections(marker):
    """Every injection attempt in every wrapper, aimed at the file ``marker``."""
    return [
        wrapper.replace("{}", attack.replace(MARKER, str(marker)))
        for attack in INJECTIONS
        for wrapper in WRAPPERS
    ]


def token_soup(rng):
    """A random sequence of names, numbers, operators, function names and odd characters."""
    pools = [NAMES, NUMBERS, OPERATORS, sorted(FUNCTIONS), UNICODE]
    pieces = [
        rng.choice(rng.choices(pools, weights=[3, 3, 5, 2, 1])[0])
        for _ in range(rng.randint(1, 40))
    ]
    return "".join(piece + rng.choice(["", "", " "]) for piece in pieces)


def formula(rng, depth=4):
    """A well-formed random formula in x and y (sometimes invalid arguments counts too)."""
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(["x", "y", "pi", "e", "2", "0.5", "1e-8", "3", "-1", "1e300", "0"])
    kind = rng.random()
    if kind < 0.45:
        operator = rng.choice(["+", "-", "*", "/", "**", "^"])
        return f"({formula(rng, depth - 1)}{operator}{formula(rng, depth - 1)})"
    if kind < 0.55:
        return f"-{formula(rng, depth - 1)}"
    name = rng.choice(sorted(FUNCTIONS))
    arity = rng.choice([1, 1, 1, 2, 2, 3, 0])
    return f"{name}({', '.join(formula(rng, depth - 1) for _ in range(arity))})"


def nesting(rng):
    """Deep nesting around the parser's limits and far beyond them."""
    n = rng.choice([MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 100, 200, 400, rng.randint(1, 500)])
    shapes = [
        "(" * n + "x" + ")" * n,
        "(" * n + "x",
        "x" + ")" * n,
        "sin(" * n + "x" + ")" * n,
        "-" * n + "x",
        "+-" * n + "x",
        "x**" * n + "x",
        "x+" * n + "x",
        "[" * n + "x" + "]" * n,
        "{" * n + "}" * n,
        "(" * n + ")" * n,
        "lambda:" * n + "x",
        "not " * n + "x",
    ]
    return rng.choice(shapes)


def huge_number(rng):
    """Numbers beyond floats, powers that would never finish as integers, odd spellings."""
    digits = rng.randint(300, MAX_LENGTH + 10)
    return rng.choice(
        [
            "9" * digits,
            "x*" + "9" * (digits - 2),
            f"1e{rng.randint(300, 100000)}",
            f"1e-{rng.randint(300, 100000)}",
            "**".join(str(rng.randint(2, 99)) for _ in range(4)),
            f"x**({rng.randint(2, 99)}**{rng.randint(2, 99)})",
            f"x**{rng.randint(10000, 10**9)}",
            f"2**{rng.randint(1000, 10**6)}",
            f"0x{'f' * rng.randint(10, 300)}",
            "1" + "_0" * rng.randint(100, 400),
            f"exp(exp(exp({rng.randint(1, 1000)})))",
            f"x**exp(exp({rng.randint(1, 100)}))",
            f"{rng.random()}e{rng.randint(-400, 400)}*x",
        ]
    )


def unicode_noise(rng):
    """Random code points (control characters, surrogates, emoji) mixed with a formula."""
    noise = "".join(
        chr(
            rng.choice(
                [
                    rng.randint(0, 0x1F),
                    rng.randint(0x7F, 0x3000),
                    rng.randint(0xD800, 0xDFFF),
                    rng.randint(0x1F300, 0x1FAFF),
                    rng.randint(0, 0x10FFFF),
                ]
            )
        )
        for _ in range(rng.randint(1, 12))
    )
    return rng.choice([noise, f"sin(x){noise}", f"{noise}x", f"x+{noise}+y", f"sin({noise})"])


def long_input(rng):
    """Inputs at and far beyond the length limit, sums of up to 20,000 terms among them."""
    terms = rng.choice([100, 333, 334, 5000, 20000])
    return rng.choice(
        [
            "+".join(["x"] * terms),
            "x" * rng.choice([MAX_LENGTH - 1, MAX_LENGTH, MAX_LENGTH + 1, 10**5, 10**6]),
            " " * (MAX_LENGTH + 1) + "x",
            "+".join(f"sin({i}*x)" for i in range(terms)),
            "*".join(["x"] * terms),
            "(" * 60 + "+".join(["x"] * terms) + ")" * 60,
            "x" + " " * rng.choice([MAX_LENGTH - 2, 10**5]),
        ]
    )


GENERATORS = {
    "token soup": (token_soup, 3000),
    "random formula": (formula, 3000),
    "deep nesting": (nesting, 1000),
    "huge number": (huge_number, 1000),
    "unicode and control characters": (unicode_noise, 1000),
    "very long": (long_input, 300),
}


def inputs(seed=0, scale=1.0, marker="/nonexistent/chainrule-fuzz-marker"):
    """``(category, text)`` pairs: every generator's share times ``scale``, then the
    injection attempts aimed at ``marker``."""
    rng = random.Random(seed)
    cases = [
        (category, make(rng))
        for category, (make, count) in GENERATORS.items()
        for _ in range(round(count * scale))
    ]
    return cases + [("injection", text) for text in injections(marker)]


def counts(cases):
    totals = {}
    for category, _ in cases:
        totals[category] = totals.get(category, 0) + 1
    return totals


if __name__ == "__main__":
    cases = inputs()
    for category, number in counts(cases).items():
        print(f"{category}: {number}")
    print(f"total: {len(cases)}")
    sys.exit(0)
