"""Benchmarks that drive a framework directly: bare echo bots as the baseline for our full stack."""
