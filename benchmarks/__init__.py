"""Side-by-side speed measurements for Downhill, reported as ratios.

Run ``python -m benchmarks`` (all suites) or ``python -m benchmarks NAME ...``.
Each suite is a module in this package with a ``SUITE`` title and a ``run()``
function returning a list of :class:`benchmarks.report.Row`.
"""
