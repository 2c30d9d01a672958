"""Walking folders, ZIPs and nested ZIPs; recognising PDFs by content; never writing to the archive."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from sigaudit.model import Skipped
from sigaudit.sources.manifest import parse_manifest
from sigaudit.sources.walk import MANIFEST_BATCH, Candidate, ManifestFound, WalkLimits, walk

PDF = b"%PDF-1.7\n% minimal stand-in: the walker only looks at the header\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _events(*paths: Path, limits: WalkLimits | None = None) -> list[object]:
    return list(walk(list(paths), limits))


def test_folder_zip_and_nested_zip_members_are_found_with_bang_paths(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    (root / "2024").mkdir(parents=True)
    (root / "2024" / "cv-12.pdf").write_bytes(PDF)
    inner = _zip({"deep/x.pdf": PDF})
    (root / "batch.zip").write_bytes(_zip({"2020/cv-1.pdf": PDF, "inner.zip": inner, "readme.txt": b"hi"}))
    events = _events(root)
    docs = [e.path for e in events if isinstance(e, Candidate)]
    assert docs == [
        "archive/2024/cv-12.pdf",
        "archive/batch.zip!/2020/cv-1.pdf",
        "archive/batch.zip!/inner.zip!/deep/x.pdf",
    ]
    assert [e.path for e in events if isinstance(e, Skipped)] == ["archive/batch.zip!/readme.txt"]


def test_pdf_recognised_by_content_not_by_name(tmp_path: Path) -> None:
    (tmp_path / "scan.bin").write_bytes(PDF)
    (tmp_path / "fake.pdf").write_bytes(b"just some text, not a pdf\n")
    (tmp_path / "letter.docx").write_bytes(_zip({"[Content_Types].xml": b"<x/>"}))
    (tmp_path / "notes.txt").write_bytes(b"notes")
    events = {e.path.split("/")[-1]: e for e in _events(tmp_path) if not isinstance(e, ManifestFound)}
    assert isinstance(events["scan.bin"], Candidate) and events["scan.bin"].error is None
    fake = events["fake.pdf"]
    assert isinstance(fake, Candidate) and fake.error is not None and "not a PDF" in fake.error
    docx = events["letter.docx"]
    assert isinstance(docx, Candidate) and docx.error is not None and "Word document" in docx.error
    assert isinstance(events["notes.txt"], Skipped)


def test_zip_member_names_are_never_used_on_disk(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    archive.write_bytes(_zip({"../../escaped.pdf": PDF, "/abs/x.pdf": PDF}))
    docs = [e.path for e in _events(archive) if isinstance(e, Candidate)]
    assert docs == ["evil.zip!/../../escaped.pdf", "evil.zip!/abs/x.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.zip"]
    assert not (tmp_path.parent / "escaped.pdf").exists()


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(PDF)
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside, root / "link")
    os.symlink(root, root / "loop")
    events = _events(root)
    assert not any(isinstance(e, Candidate) for e in events)
    assert {e.reason for e in events if isinstance(e, Skipped)} == {"symbolic link not followed"}


def test_corrupt_zip_and_depth_limit_are_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    nested = PDF
    for _ in range(3):
        nested = _zip({"n.zip" if nested is not PDF else "x.pdf": nested})
    (tmp_path / "deep.zip").write_bytes(nested)
    (tmp_path / "ok.pdf").write_bytes(PDF)
    events = _events(tmp_path, limits=WalkLimits(max_zip_depth=2))
    reasons = {e.path.split("/")[-1]: e.reason for e in events if isinstance(e, Skipped)}
    assert reasons["broken.zip"].startswith("corrupt ZIP")
    assert any("nested deeper" in r for r in reasons.values())
    assert [e.path for e in events if isinstance(e, Candidate)][-1].endswith("ok.pdf")


def test_oversized_file_is_an_unreadable_document(tmp_path: Path) -> None:
    (tmp_path / "big.pdf").write_bytes(PDF + b"0" * 2000)
    [event] = _events(tmp_path, limits=WalkLimits(max_file_bytes=1000))
    assert isinstance(event, Candidate) and event.data is None
    assert event.error is not None and "too large" in event.error


def test_manifest_is_read_before_the_files_it_describes(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(PDF)
    (tmp_path / "manifest.csv").write_text("file,agency_code,agency_name,level\na.pdf,X,,province\n")
    events = _events(tmp_path)
    assert isinstance(events[0], ManifestFound)
    assert events[0].entries[0].path == f"{tmp_path.name}/a.pdf"
    assert isinstance(events[1], Candidate)


def test_a_long_register_is_handed_on_in_batches_with_its_problems_last(tmp_path: Path) -> None:
    rows = [
        f"{i}.pdf,000.00.12.H44,,province,2024-03-{1 + i % 28:02d}" for i in range(2 * MANIFEST_BATCH + 500)
    ]
    rows.insert(1500, "bad.pdf,X,,province,not-a-date")  # a row with a problem, in the second batch
    data = ("tệp,agency_code,agency_name,level,date\n" + "\n".join(rows) + "\n").encode("utf-8-sig")
    (tmp_path / "so-den.csv").write_bytes(data)
    found = [e for e in _events(tmp_path) if isinstance(e, ManifestFound)]
    assert [len(f.entries) for f in found] == [MANIFEST_BATCH, MANIFEST_BATCH, 501]
    assert [bool(f.problems) for f in found] == [False, False, True]
    whole, problems = parse_manifest(data, base=tmp_path.name, name="so-den.csv")
    assert [e for f in found for e in f.entries] == whole  # same rows, same order as parsed at once
    assert list(found[-1].problems) == problems and "1502" in problems[0]


def test_a_register_that_is_not_utf8_is_refused_whole(tmp_path: Path) -> None:
    good = "file,agency_code\n" + "".join(f"{i}.pdf,X\n" for i in range(150_000))  # past the 1 MB block
    (tmp_path / "manifest.csv").write_bytes(good.encode() + b"\xff,X\n")
    [found] = [e for e in _events(tmp_path) if isinstance(e, ManifestFound)]
    assert found.entries == () and found.problems[0].startswith("CSV is not UTF-8: 'utf-8' codec")
    assert f"position {len(good)}:" in found.problems[0]  # the position in the whole file, not in a block


def test_zip_bomb_members_are_refused_by_ratio_and_total_size(tmp_path: Path) -> None:
    zeros = b"\0" * (20 * 1024 * 1024)  # 20 MiB of zeros deflate to about 20 KiB: ratio ~1000:1
    (tmp_path / "bomb.zip").write_bytes(_zip({"a.pdf": PDF + zeros}))
    [event] = _events(tmp_path)
    assert isinstance(event, Candidate) and event.error is not None and "decompression bomb" in event.error
    (tmp_path / "bomb.zip").unlink()
    (tmp_path / "many.zip").write_bytes(_zip({f"{i}.pdf": PDF + b"x" * 1000 for i in range(5)}))
    events = _events(tmp_path, limits=WalkLimits(max_zip_total_bytes=3000))
    errors = [e.error for e in events if isinstance(e, Candidate)]
    assert errors[:2] == [None, None] and all(e and "uncompressed bytes" in e for e in errors[3:])


def test_a_named_pipe_is_skipped_without_being_opened(tmp_path: Path) -> None:
    # Opening a FIFO for reading blocks until a writer appears: the walker must never open one.
    os.mkfifo(tmp_path / "pipe.pdf")
    (tmp_path / "ok.pdf").write_bytes(PDF)
    events = _events(tmp_path)
    assert [e.path for e in events if isinstance(e, Candidate)] == [f"{tmp_path.name}/ok.pdf"]
    assert [(e.path.split("/")[-1], e.reason) for e in events if isinstance(e, Skipped)] == [
        ("pipe.pdf", "not a regular file")
    ]


def test_files_that_vanish_or_change_during_the_scan_are_reported_consistently(tmp_path: Path) -> None:
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        (tmp_path / name).write_bytes(PDF)
    events = walk([tmp_path])
    first = next(events)
    assert isinstance(first, Candidate) and first.path.endswith("a.pdf")
    # The folder was listed before the first file was read: change the rest behind the walker's back.
    (tmp_path / "b.pdf").unlink()
    (tmp_path / "c.pdf").write_bytes(PDF + b"% appended while the scan ran\n")
    rest = list(events)
    gone = next(e for e in rest if e.path.endswith("b.pdf"))
    assert isinstance(gone, Candidate) and gone.data is None
    assert gone.error is not None and "cannot read file" in gone.error
    changed = next(e for e in rest if e.path.endswith("c.pdf"))
    # What is validated and hashed is exactly what was read, once.
    assert isinstance(changed, Candidate) and changed.data == (tmp_path / "c.pdf").read_bytes()


def test_zip_member_names_in_legacy_encodings_are_shown_not_trusted(tmp_path: Path) -> None:
    # A name stored as raw bytes without the UTF-8 flag (as old Windows tools write Vietnamese names):
    # zipfile decodes it as CP437. The member is still a document, under a printable path.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("placeholder-name.pdf", PDF)
    raw = buf.getvalue()
    legacy = "c\u00f4ng-v\u0103n.pdf".encode("cp1258")  # Vietnamese in Windows-1258
    legacy = legacy[: len("placeholder-name.pdf")].ljust(len("placeholder-name.pdf"), b"_")
    (tmp_path / "old.zip").write_bytes(raw.replace(b"placeholder-name.pdf", legacy))
    [doc] = [e for e in _events(tmp_path / "old.zip") if isinstance(e, Candidate)]
    assert doc.error is None and doc.data == PDF
    assert doc.path.startswith("old.zip!/") and doc.path.isprintable()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.zip"]


def test_a_zip_storing_a_pdf_uncompressed_is_opened_as_a_zip(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("cv-1.pdf", PDF)
    assert PDF[:5] in buf.getvalue()[:1024]  # the member's header shows through
    (tmp_path / "stored.zip").write_bytes(buf.getvalue())
    assert [e.path for e in _events(tmp_path / "stored.zip") if isinstance(e, Candidate)] == [
        "stored.zip!/cv-1.pdf"
    ]


def test_with_defer_pdfs_only_plain_pdfs_are_left_unread_and_everything_else_is_walked_as_before(
    sample_docs: Path, tmp_path: Path
) -> None:
    # Issue 22: the worker reads a PDF on disk itself. The walk sniffs its first bytes only; ZIP
    # members, edXML attachments, registers and files that are not PDFs come as before. A file that
    # starts like XML (an edXML package could) or a ZIP not named .pdf is read whole, as before.
    odd = tmp_path / "odd"
    odd.mkdir()
    (odd / "spaced.pdf").write_bytes(b"  \n%PDF-1.7\n")  # whitespace first: read whole
    (odd / "zipped.bin").write_bytes(_zip({"in.pdf": b"%PDF-1.4 x"}))  # a ZIP holding a stored PDF
    (odd / "short.pdf").write_bytes(b"%PDF-")
    (odd / "big.pdf").write_bytes(b"%PDF-1.7\n" + b"0" * 5000)
    plain = list(walk([sample_docs, odd]))
    deferred = list(walk([sample_docs, odd], defer_pdfs=True))
    assert len(plain) == len(deferred)
    left = []
    for before, after in zip(plain, deferred, strict=True):
        if isinstance(after, Candidate) and after.to_read:
            assert isinstance(before, Candidate) and before.data is not None and after.data is None
            assert after.file == before.file and after.stamp == before.stamp and after.error is None
            assert before.data.startswith(b"%PDF-") and "!/" not in after.path
            left.append(after.path)
        else:
            assert after == before
    assert "odd/short.pdf" in left and "odd/big.pdf" in left
    assert not {"odd/spaced.pdf", "odd/zipped.bin!/in.pdf"} & set(left)
    members = [e for e in deferred if isinstance(e, Candidate) and "!/" in e.path and e.data]
    assert len(members) > 2  # the sample's ZIP members and edXML attachments, with their bytes
