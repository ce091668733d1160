"""Benchmarks: the idiomatic per-agent Mesa baseline the kernels are measured against."""
