"""Broadsheet's benchmark: ``python -m bench [p1 p2 p3 p4 p5 load soak]`` (see bench/README.md).

Not part of the test suite: it measures, side by side in one run, the ratios issues 4 and 8 and
the whole-site engine's goal (P5) ask for, prints a table and writes every figure as JSON
(``--out``).
"""
