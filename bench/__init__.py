"""Broadsheet's benchmark: ``python -m bench [p1 p2 p3 p4 load soak]`` (see bench/README.md).

Not part of the test suite: it measures, side by side in one run, the ratios issue 4 and issue 8
ask for, prints a table and writes every figure as JSON (``--out``).
"""
