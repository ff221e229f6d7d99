"""Benchmarks (``scripts/bench``): request counts, bytes, CPU time and state writes.

Not part of ``scripts/test``: they write figures, they assert no timing.
"""
