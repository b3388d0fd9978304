"""Benchmarks: a national-scale data generator (`bench.generate`) and `make bench` (`bench.run`).

Not part of the test run; nothing here is imported by the app.
"""
