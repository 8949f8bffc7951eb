"""Downhill's engine: gradient descent for linear regression, in NumPy."""
