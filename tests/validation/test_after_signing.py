"""validation/after_signing.py's guards for bytes after the signed revision (issue 17, item 4).

Real files: the ISA cases of scripts/shadow_attacks.py (an object appended after the last %%EOF with no
cross-reference section; an update whose trailer lost /Prev, so the whole file cannot be read) and the
sample archive and regression files, which must not be flagged.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from sigaudit.validation.after_signing import object_after_last_revision, readable_signed_revisions

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import shadow_attacks  # noqa: E402


@pytest.fixture(scope="module")
def cases() -> dict[str, bytes]:
    return {c.name: c.data for c in shadow_attacks.build_shadow_cases()}


def test_an_object_after_the_last_eof_is_found(cases: dict[str, bytes]) -> None:
    assert object_after_last_revision(cases["isa-body-without-xref"])
    assert not object_after_last_revision(cases["shadow-hide-form-via-form"])


def test_no_file_of_the_archive_or_the_regressions_has_one() -> None:
    files = [*(REPO / "sample_docs").rglob("*.pdf"), *(REPO / "tests" / "regressions").glob("*.pdf")]
    assert len(files) > 50
    assert [f.name for f in files if object_after_last_revision(f.read_bytes())] == []


def test_a_broken_later_revision_leaves_the_signed_one_readable(cases: dict[str, bytes]) -> None:
    data = cases["isa-update-without-prev"]
    with pytest.raises(Exception):  # noqa: B017 - pyHanko raises an AssertionError here
        _ = PdfFileReader(io.BytesIO(data), strict=False).root
    [end] = readable_signed_revisions(data)
    signed = PdfFileReader(io.BytesIO(data[:end]), strict=False)
    [sig] = signed.embedded_signatures
    assert sig.field_name == "Sig_CaNhan"
    assert data[:end].rstrip().endswith(b"%%EOF")


def test_a_file_that_reads_whole_has_no_shorter_candidate_than_its_signatures(
    cases: dict[str, bytes],
) -> None:
    """A candidate is a signature's signed revision; a signature covering the whole file is not one."""
    data = cases["shadow-hide-form-via-form"]
    ends = readable_signed_revisions(data)
    assert ends and all(e < len(data) for e in ends)
    assert readable_signed_revisions(b"%PDF-1.7 /ByteRange [0 10 20 99999]") == []


def test_the_engine_loads_pdfium_only_when_a_visual_check_runs() -> None:
    """PDFium costs ~60 ms and ~9 MB to load: a worker that never renders never loads it."""
    import subprocess

    code = "import sys, sigaudit.validation.engine; print('pypdfium2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
