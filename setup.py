"""The compiled core is optional: where it cannot be built (no C compiler), chainrule installs
and runs on its pure-Python engine, the same code that every fallback in the core calls."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("chainrule._core", ["chainrule/_core.c"], optional=True)])
