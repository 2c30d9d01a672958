"""Rules the test suite keeps (CONTRIBUTING.md, "Set up and test"), checked on its own source.

A test exercises sigaudit through its public names: no ``obj._private`` attribute, no ``import _x``
from the package, no ``monkeypatch.setattr(obj, "_x", …)``. Reaching into private state ties a test to
an implementation detail and lets it pass while the behaviour it names is broken. ``os._exit`` is
public despite its name; ``self._x`` inside a helper class of the tests is the test's own state.
Every test file lives in a folder below tests/ and every marker it uses is registered.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
PUBLIC_DESPITE_THE_NAME = {"_exit"}  # os._exit


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in PUBLIC_DESPITE_THE_NAME


def _reaches_into(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                found.append((node.lineno, f"attribute .{node.attr}"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sigaudit"):
            found += [(node.lineno, f"import {a.name}") for a in node.names if _private(a.name)]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("setattr", "delattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _private(node.args[1].value.rsplit(".", 1)[-1])
        ):
            found.append((node.lineno, f"{node.func.attr} {node.args[1].value}"))
    return found


def test_the_checker_sees_each_kind_of_private_access() -> None:
    code = (
        "from sigaudit.audit import _hidden\n"
        "x = pool._workers\n"
        "monkeypatch.setattr(walk, '_read_file', spy)\n"
        "self._own = 1\n"
        "os._exit(0)\n"
        "y = obj.__class__\n"
    )
    assert [line for line, _ in _reaches_into(ast.parse(code))] == [1, 2, 3]


def test_no_test_reaches_into_private_names() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in sorted(TESTS.rglob("*.py"))
        for line, what in _reaches_into(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not found, "tests use public names only (CONTRIBUTING.md):\n" + "\n".join(found)


def test_test_files_live_in_the_folder_of_their_subject_and_use_registered_markers() -> None:
    assert not list(TESTS.glob("test_*.py")), "put each test file in the tests/ folder of its subject"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    options = pyproject["tool"]["pytest"]["ini_options"]
    assert "--strict-markers" in options["addopts"]
    registered = {m.split(":")[0] for m in options["markers"]}
    assert registered >= {"slow", "browser", "foreign_signers", "dask"}
