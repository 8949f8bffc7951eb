"""No function outside the tests and benchmarks is longer than a screen.

A function is measured from its ``def`` line to its last line, without its
docstring: long numpydoc docstrings are welcome, long bodies are not.
"""

import ast

from tests.layers import ROOT

#: Most lines a function may take, ``def`` to last line, its docstring left out.
MAX_FUNCTION_LINES = 60

#: Folders not measured: tests and benchmarks may be as long as they need (and npm's packages).
NOT_MEASURED = {"tests", "benchmarks", "node_modules"}


def function_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from ``def`` to the function's last line, less those of its docstring."""
    lines = function.end_lineno - function.lineno + 1
    first = function.body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        lines -= first.end_lineno - first.lineno + 1
    return lines


def long_functions(source: str, name: str) -> list[str]:
    """``name:line function (N lines)`` for every function of ``source`` over the limit."""
    return [
        f"{name}:{node.lineno} {node.name} ({function_lines(node)} lines)"
        for node in ast.walk(ast.parse(source, filename=name))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and function_lines(node) > MAX_FUNCTION_LINES
    ]


def measured_files() -> list[str]:
    """Every ``.py`` file of the project outside the unmeasured and hidden folders."""
    return sorted(
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*.py")
        if not any(
            part in NOT_MEASURED or part.startswith(".")
            for part in path.relative_to(ROOT).parts[:-1]
        )
    )


def test_no_function_is_longer_than_the_limit():
    offenders = [
        offender
        for name in measured_files()
        for offender in long_functions((ROOT / name).read_text(encoding="utf-8"), name)
    ]
    assert offenders == [], (
        f"functions over {MAX_FUNCTION_LINES} lines (docstring not counted); "
        "split them into helpers whose names explain them:\n" + "\n".join(offenders)
    )


def test_the_measure_leaves_out_the_docstring_only():
    docstring = '    """A docstring\n\n    over several lines.\n    """\n'
    body = "    x = 0\n" * (MAX_FUNCTION_LINES - 1)
    at_limit = "def f():\n" + docstring + body
    over = "def g():\n" + docstring + body + "    return x\n"
    assert long_functions(at_limit, "at_limit.py") == []
    assert long_functions(over, "over.py") == [f"over.py:1 g ({MAX_FUNCTION_LINES + 1} lines)"]


def test_the_walk_sees_the_layers_but_not_the_tests():
    files = measured_files()
    assert {"app.py", "core/descent.py", "core/export/script.py"} <= set(files)
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in files)
