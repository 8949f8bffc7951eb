"""Entry point: ``python -m benchmarks [suite ...]``."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import benchmarks
from benchmarks.report import format_rows


def _suite_names() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.iter_modules(benchmarks.__path__)
        if info.name.startswith("bench_")
    )


def main(argv: list[str]) -> int:
    """Run the chosen suites (all when none are named) and print their tables."""
    available = _suite_names()
    wanted = [f"bench_{name.removeprefix('bench_')}" for name in argv] or available
    unknown = sorted(set(wanted) - set(available))
    if unknown:
        names = ", ".join(name.removeprefix("bench_") for name in available)
        print(f"Unknown benchmark {', '.join(unknown)}; choose from: {names}", file=sys.stderr)
        return 2
    for name in wanted:
        module = importlib.import_module(f"benchmarks.{name}")
        print(format_rows(module.SUITE, module.run()), flush=True)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
