"""The reverse-reference walk of speedups_paths.py leaves exactly pyHanko's map, or raises pyHanko's error.

For every revision of every file — the sample archive, the regression files, the attack generators'
files (incremental-saving, shadow, signature-wrapping, certification and the odd legal ones) and fuzz
mutants of the sample archive — a fresh reader's ``HistoricalResolver`` is mapped by pyHanko's own
``_load_reverse_xref_cache`` and by the replacement, and the two maps (reference → set of paths) must
be equal, or both must raise the same exception with the same words (a file nested deeper than
Python's recursion limit fails in both, its words may differ: see assert_same_maps). Files the engine
refuses before pyHanko reads them (guards.xref_overclaim) are left out. Verdicts with and without every
speed-up are compared in test_speedups.py, and that installing replaces pyHanko's walk (and uninstalling
restores it) in its fresh-interpreter tests.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from sigaudit.validation import speedups, speedups_paths, speedups_scan
from sigaudit.validation.guards import xref_overclaim
from tokenizer_pdfs import raw_pdf, tokenizer_files

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import make_attack_files as attacks  # noqa: E402
import make_legit_changes as legit  # noqa: E402
import shadow_attacks  # noqa: E402

MAX_REVISIONS = 12  # revisions mapped per file (the hostile ones declare many)
# The two replacements: the tuple walk over pyHanko's objects, and the scanner over the raw bytes.
WALKS = {
    "tuple walk": speedups_paths.load_reverse_xref_cache,
    "scanner": speedups_scan.load_reverse_xref_cache,
}


@pytest.fixture(autouse=True)
def token_speedups() -> Iterator[None]:
    """Both walks read objects through the same (installed) token readers: only the walk differs."""
    assert speedups.install()
    try:
        yield
    finally:
        speedups.uninstall()


def _mapped(data: bytes, revision: int, walk: Callable[[Any], None]) -> tuple[str, Any]:
    """("ok", {(idnum, generation): sorted paths}) or ("error", type and words), on a fresh reader."""
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        resolver = reader.get_historical_resolver(revision)
    except Exception:
        return "unreadable", None
    try:
        cache = speedups_paths.reverse_map(resolver, walk)
    except Exception as exc:
        if _recursion(exc):
            return "error", "RecursionError (also when pyHanko's parser rewords it)"
        return "error", f"{type(exc).__name__}: {exc}"
    return "ok", {
        (ref.idnum, ref.generation): sorted(repr(path.path) for path in paths) for ref, paths in cache.items()
    }


def _recursion(exc: BaseException | None) -> bool:
    """Whether Python's recursion limit is behind ``exc`` (pyHanko's dictionary reader turns it into
    "Failed to read dictionary key at byte …", with the position where the limit struck)."""
    while exc is not None:
        if isinstance(exc, RecursionError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _revisions(data: bytes) -> range:
    try:
        return range(min(PdfFileReader(BytesIO(data), strict=False).xrefs.total_revisions, MAX_REVISIONS))
    except Exception:
        return range(0)


def assert_same_maps(files: dict[str, bytes]) -> int:
    """Compare both replacements with pyHanko's walk on every revision of every file; the number of
    maps compared."""
    compared = 0
    for name, data in files.items():
        if xref_overclaim(data):  # refused by the engine before pyHanko reads it (and huge to map)
            continue
        for revision in _revisions(data):
            theirs = _mapped(data, revision, speedups_paths.ORIGINAL_LOAD_REVERSE_XREF_CACHE)
            for walk_name, walk in WALKS.items():
                ours = _mapped(data, revision, walk)
                # Where Python's recursion limit strikes while parsing a deeply nested object depends on
                # the frames already on the stack (never more here: one per level, no call per leaf
                # value), so both must fail, and the position in pyHanko's words may differ.
                assert ours == theirs, f"{name}, revision {revision}, {walk_name}"
            compared += theirs[0] == "ok"
    return compared


@pytest.fixture(autouse=True)
def scanner_counts() -> Iterator[None]:
    speedups_scan.reset_counts()
    yield


@pytest.mark.slow
def test_same_map_on_the_sample_archive_and_the_regression_files(sample_docs: Path) -> None:
    files = {str(p): p.read_bytes() for p in sorted(sample_docs.rglob("*.pdf"))}
    files |= {p.name: p.read_bytes() for p in sorted((REPO / "tests" / "regressions").glob("*.pdf"))}
    assert len(files) > 40
    assert assert_same_maps(files) > 60
    done = speedups_scan.counts()  # the scanner read most objects itself (not only through pyHanko)
    assert done.scanned > 20 * done.delegated and done.files_scanned > 5 * done.files_fallen_back, done


@pytest.mark.slow
def test_same_map_on_the_attack_and_legitimate_change_files() -> None:
    files = {c.name: c.data for c in attacks.build_cases()}
    files |= {c.name: c.data for c in shadow_attacks.build_shadow_cases()}
    files |= {c.name: c.data for c in legit.build_odd_cases()}
    assert len(files) > 20
    assert assert_same_maps(files) > 40
    done = speedups_scan.counts()
    assert done.scanned > 20 * done.delegated and done.files_scanned > 5 * done.files_fallen_back, done


@pytest.mark.slow
def test_same_map_or_same_error_on_fuzz_mutants(sample_docs: Path) -> None:
    spec = importlib.util.spec_from_file_location("fuzz_pdf", REPO / "fuzz" / "fuzz_pdf.py")
    assert spec is not None and spec.loader is not None
    fuzz = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_pdf"] = fuzz  # its dataclasses look their module up there
    spec.loader.exec_module(fuzz)
    corpus = fuzz.load_corpus([sample_docs])
    mutants = {f"mutant {i}": fuzz.make_mutant(22, i, corpus)[0] for i in range(150)}
    assert assert_same_maps(mutants) > 50


@pytest.mark.parametrize("walk", WALKS.values(), ids=WALKS.keys())
def test_a_struct_tree_and_a_page_reached_twice_are_mapped_as_pyhanko_does(
    walk: Callable[[Any], None],
) -> None:
    """A hand-made file with what the walk's special rules are about: a page tree of two levels, a
    link on page 1 whose destination is page 2 (entered off its canonical path), a structure tree
    whose element points elsewhere with /P and whose /ParentTree lists it again, an object reached by two
    paths, a reference cycle and a long array of numbers."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /StructTreeRoot 8 0 R /Names << /X 11 0 R >> >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 2 >>",
        3: b"<< /Type /Pages /Parent 2 0 R /Kids [4 0 R 5 0 R] /Count 2 >>",
        4: b"<< /Type /Page /Parent 3 0 R /Annots [6 0 R] /Resources << /Font << /F1 7 0 R >> >> >>",
        5: b"<< /Type /Page /Parent 3 0 R /Resources << /Font << /F1 7 0 R >> >> >>",
        6: b"<< /Type /Annot /Subtype /Link /Rect [0 0 1 1] /Dest [5 0 R /Fit] >>",
        7: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Widths ["
        + b" ".join(b"%d" % (i * 7 % 1000) for i in range(300))
        + b"] >>",
        8: b"<< /Type /StructTreeRoot /K [9 0 R] /ParentTree 10 0 R >>",
        9: b"<< /Type /StructElem /S /P /P 13 0 R /Pg 4 0 R /K [0] >>",
        10: b"<< /Nums [0 [9 0 R]] >>",
        11: b"<< /Next 12 0 R >>",
        12: b"<< /Next 11 0 R /Back 1 0 R /Values [1.5 -2 +3 .25 (a) <00> true null] >>",
        13: b"<< /Type /StructElem /S /Div >>",  # a /P that is not the element's parent
    }
    data = raw_pdf(objects)
    ours = _mapped(data, 0, walk)
    assert ours == _mapped(data, 0, speedups_paths.ORIGINAL_LOAD_REVERSE_XREF_CACHE)
    assert ours[0] == "ok"
    paths = ours[1]
    assert paths[(5, 0)] == [  # page 2 is reached through the link too, but entered only canonically:
        "('/Root', '/Pages', '/Kids', 0, '/Kids', 0, '/Annots', 0, '/Dest', 0)",
        "('/Root', '/Pages', '/Kids', 0, '/Kids', 1)",
    ]
    assert len(paths[(7, 0)]) == 2  # so the font has two paths (one per page), not a third via /Dest
    assert (12, 0) in paths and (11, 0) in paths  # the cycle, followed once per path
    assert (13, 0) not in paths  # /P is not followed inside the structure tree


def _chain(objects: int, nesting: int) -> bytes:
    """A catalogue leading through ``objects`` objects, each holding the next one ``nesting`` arrays deep."""
    bodies = {
        1: b"<< /Type /Catalog /Pages 2 0 R /Chain 3 0 R >>",
        2: b"<< /Type /Pages /Kids [] /Count 0 >>",
    }
    for k in range(objects):
        inner = b"%d 0 R" % (k + 4) if k + 1 < objects else b"0"
        bodies[k + 3] = b"[" * nesting + inner + b"]" * nesting
    out = BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = {}
    for number, body in bodies.items():
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1))
    for number in bodies:
        out.write(b"%010d 00000 n \n" % offsets[number])
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref))
    return out.getvalue()


@pytest.mark.parametrize("walk", WALKS.values(), ids=WALKS.keys())
@pytest.mark.parametrize("objects", [1, 2, 4, 6, 8, 10, 12, 16, 24])
def test_a_deep_chain_fails_exactly_where_pyhankos_walk_does(
    objects: int, walk: Callable[[Any], None]
) -> None:
    """pyHanko's walk hashes its paths recursively: past a few hundred elements (here between 160 and
    480: objects 40 arrays deep, chained) it reaches Python's recursion limit and the analysis fails.
    The replacement must map what pyHanko maps and fail where it fails (with fewer frames per level and
    tuple paths it would otherwise map them all)."""
    data = _chain(objects, 40)
    ours = _mapped(data, 0, walk)
    assert ours == _mapped(data, 0, speedups_paths.ORIGINAL_LOAD_REVERSE_XREF_CACHE)
    assert ours[0] == ("ok" if objects <= 2 else "error") or 2 < objects < 12


def test_the_scanner_reads_plain_objects_itself_and_leaves_odd_ones_to_pyhanko() -> None:
    """Objects in the syntax the scanner is certain of (escaped strings pyHanko accepts, hex strings,
    numbers, a stream with a direct /Length, a reference to a free object) are read from their bytes;
    those it is not certain of (a comment, a duplicate key, an indirect /Length, a name escape) are
    read by pyHanko. Either way the map is pyHanko's."""
    plain = {
        1: b"<< /Type /Catalog /Pages 2 0 R /A 3 0 R /B 4 0 R /C 5 0 R"
        b" /D 6 0 R /E 7 0 R /F 8 0 R /G 9 0 R >>",
        2: b"<< /Type /Pages /Kids [] /Count 0 >>",
        3: b"[(a\\(b\\) \\\\ \\101\\n) <41 42> 1.5 -.5 +3 true false null /N#41me [4 0 R] 12 0 R]",
        4: b"<< /Length 5 /X 5 0 R >>\nstream\nabcde\nendstream",
        5: b"<< /Y [[[3 0 R]]] /Z << /W 99 0 R >> >>",
    }
    odd = {
        6: b"<< /A 1 % a comment\n /B 3 0 R >>",
        7: b"<< /A 3 0 R /A 4 0 R >>",
        8: b"<< /Length 10 0 R /K 3 0 R >>\nstream\nabcde\nendstream",
        9: b"<< /Na#6de 3 0 R >>",
        10: b"5",
    }
    data = raw_pdf(plain | odd)
    speedups_scan.reset_counts()
    ours = _mapped(data, 0, speedups_scan.load_reverse_xref_cache)
    assert ours == _mapped(data, 0, speedups_paths.ORIGINAL_LOAD_REVERSE_XREF_CACHE)
    assert ours[0] == "ok" and (99, 0) in ours[1] and (12, 0) in ours[1]
    done = speedups_scan.counts()
    assert done.files_scanned == 1 and done.files_fallen_back == 0
    # 3, 4, 5 and (through the first key of 9) the others' bytes; 6, 7 and 8 by pyHanko (9's name escape
    # is decoded as pyHanko decodes it)
    assert done.delegated == 3, done


@pytest.mark.parametrize(
    "body",
    [b"[(\\8)]", b"[(\\777)]", b"[1,2]", b"[0 0 R]", b"<< /A 1 >x", b"[1.2.3]", b"<< /A#G1 1 >>"],
)
def test_what_pyhanko_refuses_fails_the_same_way_with_the_scanner(body: bytes) -> None:
    """Values pyHanko's parser refuses (an escape of 8 or 9, an octal escape over 255, a comma in a
    number, object number 0, a bad name escape) or reads in its own way: the same map or error."""
    data = raw_pdf(
        {1: b"<< /Type /Catalog /Pages 2 0 R /X 3 0 R >>", 2: b"<< /Type /Pages /Kids [] >>", 3: body}
    )
    assert _mapped(data, 0, speedups_scan.load_reverse_xref_cache) == _mapped(
        data, 0, speedups_paths.ORIGINAL_LOAD_REVERSE_XREF_CACHE
    )


def test_hand_made_tokens_are_mapped_as_pyhanko_maps_them() -> None:
    """Every escape form, nested parentheses, % in strings and names, #-escapes, R split across lines,
    streams whose /Length points elsewhere, odd object-stream headers, an xref offset off by one, a
    missing endobj and very long numbers: each replacement leaves pyHanko's map or raises its error.
    (A 5000-digit integer was skipped by the scanner where pyHanko's int() refuses it: a map where
    pyHanko has an error, and a valid verdict where pyHanko's gives invalid.)"""
    files = tokenizer_files()
    assert assert_same_maps(files) > 20
    done = speedups_scan.counts()
    assert done.files_scanned > 20 and done.files_fallen_back > 10, done
