"""Whole Jacobians in one sweep: the seeds travel as a Batch of rows (see docs/transforms.md).

Importing the package loads the rules that give Batch its NumPy dispatch (ufuncs, functions).
"""

from chainrule.transforms.batching import functions, ufuncs  # noqa: F401
