"""Attention-based architectures for keras-zoo (an example third-party plugin)."""

__version__ = "0.1.0"
