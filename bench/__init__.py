"""Benchmark scripts (not tests): they print figures and never fail on time. See README.md, "Measured"."""
