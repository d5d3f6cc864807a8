"""The SciPy tests run with every warning an error: a test that expects one says so."""

import warnings

import pytest


@pytest.fixture(autouse=True)
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
