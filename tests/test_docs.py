"""The documentation: README is a short front door whose links resolve, the manual under docs/ builds
with ``mkdocs build --strict`` (every link and #anchor between pages resolves), and the code cites the
manual's regulation pages rather than notes the repository does not contain."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from markdown.extensions.toc import slugify

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

# CI and users copy these two lines from the README: they must stay exactly as they are.
QUICK_START_SCAN = (
    "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/sigaudit scan sample_docs "
    "--trust-roots demo/pki/demo-root.pem --other-certs demo/pki/demo-intermediate.pem "
    "--agencies demo/agencies.csv --json out/report.json --csv out/evidence.csv --html out/dashboard.html"
)
QUICK_START_TESTS = (
    "python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]' && .venv/bin/python -m pytest"
)

# [text](target) and ![alt](target), with an optional "title"; code spans and blocks are removed first.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
CODE_SPAN = re.compile(r"`[^`\n]*`")


def relative_links(markdown: str) -> list[str]:
    """The link targets of ``markdown`` that point into the repository (not URLs, not mail)."""
    text = CODE_SPAN.sub("", FENCE.sub("", markdown))
    return [t for t in LINK.findall(text) if not re.match(r"[a-z][a-z0-9+.-]*:", t, re.I)]


def anchors_of(markdown_file: Path) -> set[str]:
    """The #anchors MkDocs gives the headings of ``markdown_file`` (its toc extension's slugs)."""
    text = FENCE.sub("", markdown_file.read_text(encoding="utf-8"))
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.M)
    return {slugify(h.replace("`", ""), "-") for h in headings}


def test_mkdocs_builds_strict_without_warnings(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "mkdocs", "build", "--strict", "--clean"),
            *("--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "WARNING" not in output, output
    assert (tmp_path / "site" / "security" / "index.html").is_file()


def test_every_docs_page_is_in_the_nav() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md"))
    assert pages, "docs/ holds no page"
    assert [p for p in pages if f": {p}" not in nav] == []


def test_readme_is_a_front_door() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 300, f"README.md has {len(lines)} lines; the manual belongs in docs/"
    assert QUICK_START_SCAN in lines
    assert QUICK_START_TESTS in lines


def test_readme_relative_links_point_at_existing_files_and_headings() -> None:
    links = relative_links(README.read_text(encoding="utf-8"))
    assert links, "README.md links nowhere"
    broken = []
    for link in links:
        path, _, anchor = link.partition("#")
        target = (README.parent / path).resolve() if path else README
        if not target.exists():
            broken.append(f"{link}: no such file")
        elif anchor and target.suffix == ".md" and anchor not in anchors_of(target):
            broken.append(f"{link}: no heading with that anchor")
    assert broken == []


def test_relative_links_finds_links_and_skips_urls_and_code() -> None:
    text = (
        'See [a](docs/a.md#x), ![img](docs/img/p.png "t") and [web](https://example.org/).\n'
        "`[not](a-link.md)`\n```\n[nor](this.md)\n```\n[mail](mailto:x@example.org)"
    )
    assert relative_links(text) == ["docs/a.md#x", "docs/img/p.png"]


def test_nothing_cites_notes_outside_the_repository() -> None:
    # The domain notes the code relies on are docs/regulations.md and docs/domain.md, in the repository.
    needles = ("DOMAIN" + " §", "DOMAIN" + ".md", "DOMAIN" + " notes")
    files = [README, ROOT / "CONTRIBUTING.md"]
    for folder in ("src", "tests", "docs", "scripts"):
        files += [p for p in (ROOT / folder).rglob("*") if p.suffix in {".py", ".md", ".toml", ".j2"}]
    hits = [
        f"{f.relative_to(ROOT)}: {needle}"
        for f in files
        for needle in needles
        if needle in f.read_text(encoding="utf-8", errors="replace")
    ]
    assert hits == []
