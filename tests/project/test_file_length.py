"""The house rule "files under 800 lines" (CONTRIBUTING.md, "Architecture"), kept on every Python file
of the package, the scripts, the fuzzer, the benchmarks and the tests.

A file that grows to the limit is split into cohesive modules beside it (as fuzz/fuzz_pdf.py and
scripts/make_sample_docs.py were), each saying in its docstring what it holds.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("src", "scripts", "fuzz", "benchmarks", "tests")
LIMIT = 800  # a file must have fewer lines than this


def lines_of(path: Path) -> int:
    """Lines as ``wc -l`` counts them when the file ends with a newline (else one more)."""
    return len(path.read_text(encoding="utf-8").splitlines())


def too_long(root: Path) -> list[str]:
    """``path: lines`` for every .py file under the checked folders of ``root`` with LIMIT lines or more."""
    return [
        f"{path.relative_to(root)}: {count}"
        for folder in FOLDERS
        for path in sorted((root / folder).rglob("*.py"))
        if (count := lines_of(path)) >= LIMIT
    ]


def test_the_checker_flags_a_file_at_the_limit_and_not_one_below(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "at_limit.py").write_text("x = 1\n" * LIMIT, encoding="utf-8")
    (tmp_path / "scripts" / "below.py").write_text("x = 1\n" * (LIMIT - 1), encoding="utf-8")
    (tmp_path / "tests" / "deep" / "er").mkdir(parents=True)
    (tmp_path / "tests" / "deep" / "er" / "long.py").write_text("x = 1\n" * 900, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "long.py").write_text("x = 1\n" * 900, encoding="utf-8")  # not checked
    assert too_long(tmp_path) == [
        f"{Path('scripts', 'at_limit.py')}: {LIMIT}",
        f"{Path('tests', 'deep', 'er', 'long.py')}: 900",
    ]


def test_every_python_file_is_under_800_lines() -> None:
    found = too_long(ROOT)
    assert not found, f"split these into modules beside them (house rule: under {LIMIT} lines): {found}"
