"""Benchmark, load and fault scripts, and the data generator they share (``bench.bulk``).

A package so that tests and ``bench/run.py`` import the generator and the benchmark's stages
(``harness``, ``pages``, ``inprocess``, ``proxy``, ``report``) by one name; the scripts themselves
are run as files (``python bench/run.py``).
"""
