"""Building and rearranging arrays, as NumPy's functions of the same names: triangles and
diagonals, stacking and splitting, sorting, turning, select and linspace.

Every op here is a composition of the primitives in shape, indexing, joining and elementwise
(plus two non-differentiable sort orders), so none declares rules of its own.
"""
