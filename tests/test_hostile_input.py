"""Issue 16, the input side: hostile names, special files, overlapping ZIPs, manifests reaching into other
folders, duplicate paths, full disks and floods of warnings. Every case is built on disk here (names
in a legacy encoding through bytes paths, named pipes with os.mkfifo, ZIPs from
scripts/make_attack_files.py) and goes through the real walker or the real ``scan`` command with real
signed PDFs of the sample archive.
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sigaudit.cli import main
from sigaudit.model import Skipped
from sigaudit.sources.walk import Candidate, ManifestFound, Notice, WalkLimits, walk

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import make_attack_files as attacks  # noqa: E402

# Signed by the demo PKI (scripts/make_sample_docs.py): two valid provincial letters.
SIGNED = REPO / "sample_docs" / "tinh" / "ubnd-tinh" / "2024" / "120-UBND-KGVX_2024-02-05.pdf"
OTHER_SIGNED = REPO / "sample_docs" / "tinh" / "ubnd-tinh" / "2024" / "245-UBND-NC_2024-04-18.pdf"
PDF = b"%PDF-1.7\n% stand-in: the walker only looks at the header\n"


def _scan(root: Path, demo_pki: Path, *extra: str) -> Result:
    trust = ["--trust-roots", str(demo_pki / "demo-root.pem")]
    trust += ["--other-certs", str(demo_pki / "demo-intermediate.pem")]
    args = ["scan", str(root), *trust, "--jobs", "1", *extra]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def _zip(members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": the point of some tests
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in members:
                zf.writestr(name, data)
    return buf.getvalue()


def _legacy_member(name: bytes, data: bytes) -> bytes:
    """A ZIP with one member whose name is raw bytes without the UTF-8 flag, as old Windows tools
    write Vietnamese names (zipfile decodes such names as CP437)."""
    placeholder = "p" * len(name)
    raw = _zip([(placeholder, data)])
    assert raw.count(placeholder.encode()) == 2  # local header and central directory
    return raw.replace(placeholder.encode(), name)


# --- 3. names that are not UTF-8 ------------------------------------------------------------------
def _legacy_archive(tmp_path: Path) -> Path:
    root = tmp_path / "arch"
    base = os.fsencode(root)
    os.makedirs(base + b"/Ph\xf2ng")  # "Phòng" in Windows-1258: not UTF-8
    shutil.copyfile(SIGNED, base + b"/C\xf4ng v\xe3n.pdf")  # "Công văn.pdf" in Windows-1258
    shutil.copyfile(OTHER_SIGNED, base + b"/Ph\xf2ng/b.pdf")
    (root / "old.zip").write_bytes(_legacy_member(b"Quy\xea\xe9t.pdf", PDF))
    (root / "utf8-unflagged.zip").write_bytes(_legacy_member("Công văn.pdf".encode(), PDF))
    return root


def _report(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("store", ["--store", "--no-store"])
def test_names_that_are_not_utf8_are_shown_escaped_and_the_run_completes(
    tmp_path: Path, demo_pki: Path, store: str
) -> None:
    root = _legacy_archive(tmp_path)
    out = tmp_path / "out"
    where = [store, str(tmp_path / "s.sqlite")] if store == "--store" else [store]
    reports = ["--json", str(out / "r.json"), "--csv", str(out / "e.csv"), "--html", str(out / "d.html")]
    result = _scan(root, demo_pki, *where, *reports)
    assert result.exit_code == 0, result.output
    report = _report(out / "r.json")
    paths = {d["path"]: d for d in report["documents"]}
    assert set(paths) == {
        "arch/C\\xf4ng v\\xe3n.pdf",
        "arch/Ph\\xf2ng/b.pdf",
        "arch/old.zip!/Quy\\xea\\xe9t.pdf",
        "arch/utf8-unflagged.zip!/Công văn.pdf",  # UTF-8 bytes without the flag are read as UTF-8
    }
    assert paths["arch/C\\xf4ng v\\xe3n.pdf"]["verdict"] == "valid"  # read through its raw name
    assert paths["arch/Ph\\xf2ng/b.pdf"]["verdict"] == "valid"
    escaped = [w for w in report["warnings"] if "not valid UTF-8: shown escaped" in w]
    assert sorted(w.split(": ")[0] for w in escaped) == [
        "arch/C\\xf4ng v\\xe3n.pdf",
        "arch/Ph\\xf2ng",
        "arch/old.zip!/Quy\\xea\\xe9t.pdf",
    ]
    rows = list(csv.DictReader(io.StringIO((out / "e.csv").read_text(encoding="utf-8-sig"))))
    assert {r["path"] for r in rows} == set(paths)
    assert "arch/C\\xf4ng v\\xe3n.pdf: name is not valid UTF-8" in (out / "d.html").read_text("utf-8")


def test_an_escaped_name_is_stable_so_a_rescan_reuses_the_stored_results(
    tmp_path: Path, demo_pki: Path
) -> None:
    root = _legacy_archive(tmp_path)
    store = ["--store", str(tmp_path / "s.sqlite"), "-q"]
    assert _scan(root, demo_pki, *store).exit_code == 0
    result = _scan(root, demo_pki, *store, "--json", str(tmp_path / "again.json"))
    assert result.exit_code == 0, result.output
    again = _report(tmp_path / "again.json")
    assert again["manifest"]["counts"]["validated"] == 0
    assert again["manifest"]["counts"]["reused_from_store"] == 4


def test_a_scan_root_whose_name_is_not_utf8_is_shown_escaped(tmp_path: Path) -> None:
    root = os.fsencode(tmp_path) + b"/L\xfd l\xe1ch"
    os.makedirs(root)
    Path(os.fsdecode(root + b"/a.pdf")).write_bytes(PDF)
    events = list(walk([Path(os.fsdecode(root))]))
    assert [e.path for e in events if isinstance(e, Candidate)] == ["L\\xfd l\\xe1ch/a.pdf"]
    assert [e.path for e in events if isinstance(e, Notice)] == ["L\\xfd l\\xe1ch"]


# --- 6. named pipes -------------------------------------------------------------------------------
def _walk_with_deadline(paths: list[Path], fifos: list[Path], between: Any = None) -> list[object]:
    """Walk in a thread; if it is still running after the deadline, open each FIFO for writing (which
    frees a reader blocked in open) and fail, so a regression fails instead of hanging the tests."""
    found: list[object] = []

    def run() -> None:
        events = walk(paths)
        if between is not None:
            found.append(next(events))
            between()
        found.extend(events)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():
        for fifo in fifos:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        worker.join(timeout=5)
        pytest.fail("the walk blocked on a named pipe")
    return found


def test_a_named_pipe_named_on_the_command_line_is_skipped_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    started = time.monotonic()
    events = _walk_with_deadline([fifo], [fifo])
    assert time.monotonic() - started < 5
    assert events == [Skipped("pipe.pdf", "not a regular file (named pipe); not read")]


def test_a_file_swapped_for_a_named_pipe_during_the_walk_is_skipped(tmp_path: Path) -> None:
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        (tmp_path / name).write_bytes(PDF)

    def swap() -> None:  # after the folder was listed and a.pdf read
        (tmp_path / "b.pdf").unlink()
        os.mkfifo(tmp_path / "b.pdf")

    events = _walk_with_deadline([tmp_path], [tmp_path / "b.pdf"], between=swap)
    shown = {e.path.rsplit("/", 1)[-1]: e for e in events}
    assert shown["b.pdf"] == Skipped(f"{tmp_path.name}/b.pdf", "not a regular file (named pipe); not read")
    assert isinstance(shown["c.pdf"], Candidate) and shown["c.pdf"].data == PDF


# --- 7. overlapping ZIP entries and the inflation budget ------------------------------------------
def test_a_zip_whose_entries_share_one_deflate_stream_is_refused_fast(tmp_path: Path) -> None:
    (tmp_path / "bomb.zip").write_bytes(attacks.overlapping_zip(entries=10, size=2 * 1024 * 1024))
    (tmp_path / "good.zip").write_bytes(_zip([("a.pdf", PDF), ("b/c.pdf", PDF)]))
    started = time.monotonic()
    events = list(walk([tmp_path]))
    assert time.monotonic() - started < 1.0
    [refused] = [e for e in events if isinstance(e, Skipped)]
    assert refused.path.endswith("bomb.zip") and "ZIP entries overlap" in refused.reason
    docs = [e.path.split("/", 1)[1] for e in events if isinstance(e, Candidate)]
    assert docs == ["good.zip!/a.pdf", "good.zip!/b/c.pdf"]


def test_the_inflation_budget_covers_a_zip_and_the_zips_inside_it(tmp_path: Path) -> None:
    member = PDF + b"x" * 1000
    inner = _zip([(f"{i}.pdf", member) for i in range(3)])
    (tmp_path / "outer.zip").write_bytes(_zip([("a.zip", inner), ("b.zip", inner)]))
    limit = 2 * len(inner) + 4 * len(member)  # both inner ZIPs and four of their six members
    events = list(walk([tmp_path / "outer.zip"], WalkLimits(max_zip_total_bytes=limit)))
    docs = [e for e in events if isinstance(e, Candidate)]
    assert len(docs) == 6
    read = [d.path for d in docs if d.error is None]
    refused = [d.path for d in docs if d.error is not None and "uncompressed bytes" in (d.error or "")]
    assert len(read) == 4 and refused == ["outer.zip!/b.zip!/1.pdf", "outer.zip!/b.zip!/2.pdf"]


# --- 10. manifests reaching into another folder; conflicting rows ---------------------------------
def test_a_manifest_row_outside_its_folder_is_reported_and_ignored(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "bad.pdf").write_bytes(PDF)
    (tmp_path / "a" / "manifest.csv").write_text("file,agency_code,recipient_codes\nbad.pdf,A,B\n")
    (tmp_path / "b" / "manifest.csv").write_text(
        "file,agency_code,direction\n../a/bad.pdf,A,internal\n/etc/x.pdf,A,\nok/../../a/bad.pdf,A,\n"
    )
    found = {e.path: e for e in walk([tmp_path]) if isinstance(e, ManifestFound)}
    top = tmp_path.name
    assert [e.path for e in found[f"{top}/a/manifest.csv"].entries] == [f"{top}/a/bad.pdf"]
    b = found[f"{top}/b/manifest.csv"]
    assert b.entries == ()
    assert [p.split(":")[0] for p in b.problems] == ["line 2", "line 3", "line 4"]
    assert "'../a/bad.pdf' is outside the CSV's folder; row ignored" in b.problems[0]


def test_two_rows_describing_one_document_differently_are_a_warning_naming_both(
    tmp_path: Path, demo_pki: Path
) -> None:
    root = tmp_path / "arch"
    (root / "a").mkdir(parents=True)
    shutil.copyfile(SIGNED, root / "a" / "x.pdf")
    (root / "manifest.csv").write_text("file,agency_code,recipient_codes\na/x.pdf,000.00.00.H44,B\n")
    (root / "a" / "manifest.csv").write_text("file,agency_code\nx.pdf,000.00.00.H44\n")
    (root / "b").mkdir()
    (root / "b" / "manifest.csv").write_text("file,agency_code\n../a/x.pdf,OTHER\n")
    out = tmp_path / "r.json"
    assert _scan(root, demo_pki, "--no-store", "-q", "--json", str(out)).exit_code == 0
    report = _report(out)
    conflicts = [w for w in report["warnings"] if "described differently" in w]
    assert conflicts == [
        "arch/a/x.pdf: described differently by arch/manifest.csv and by arch/a/manifest.csv; "
        "the row in arch/a/manifest.csv is used"
    ]
    assert any("arch/b/manifest.csv: line 2: file '../a/x.pdf' is outside" in w for w in report["warnings"])
    [doc] = report["documents"]
    assert doc["agency"]["code"] == "000.00.00.H44"  # b/manifest.csv changed nothing


# --- 11b. symbolic-link roots, duplicate paths, full disks, floods of warnings --------------------
def test_a_scan_root_that_is_a_symbolic_link_is_followed_but_links_inside_are_not(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.pdf").write_bytes(PDF)
    (tmp_path / "elsewhere.pdf").write_bytes(PDF)
    os.symlink(tmp_path / "elsewhere.pdf", real / "inside-link.pdf")
    os.symlink(real, tmp_path / "link")
    os.symlink(real / "a.pdf", tmp_path / "file-link.pdf")
    events = list(walk([tmp_path / "link", tmp_path / "file-link.pdf"]))
    docs = [(e.path, e.data) for e in events if isinstance(e, Candidate)]
    assert docs == [("link/a.pdf", PDF), ("file-link.pdf", PDF)]
    assert [(e.path, e.reason) for e in events if isinstance(e, Skipped)] == [
        ("link/inside-link.pdf", "symbolic link not followed")
    ]


def test_documents_that_would_share_a_path_get_unique_ones(tmp_path: Path, demo_pki: Path) -> None:
    root = tmp_path / "arch"
    root.mkdir()
    signed, other = SIGNED.read_bytes(), OTHER_SIGNED.read_bytes()
    (root / "x.zip").write_bytes(_zip([("cv.pdf", signed), ("cv.pdf", other)]))  # duplicate member names
    (root / "x.zip!").mkdir()  # a folder named like the ZIP's members
    (root / "x.zip!" / "cv.pdf").write_bytes(PDF)
    out = tmp_path / "r.json"
    assert _scan(root, demo_pki, "--no-store", "-q", "--json", str(out)).exit_code == 0
    report = _report(out)
    docs = [(d["path"], d["sha256"][:8]) for d in report["documents"]]
    assert [p for p, _ in docs] == ["arch/x.zip!/cv.pdf", "arch/x.zip!/cv.pdf#2", "arch/x.zip!/cv.pdf#3"]
    assert len({sha for _, sha in docs}) == 3  # three different documents, each reported
    dupes = [w for w in report["warnings"] if "same path" in w]
    assert len(dupes) == 2 and dupes[1].endswith("reported as arch/x.zip!/cv.pdf#3")


def test_a_full_disk_while_writing_a_report_exits_3_and_leaves_the_device_alone(
    tmp_path: Path, demo_pki: Path
) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    (tmp_path / "arch").mkdir()
    shutil.copyfile(SIGNED, tmp_path / "arch" / "a.pdf")
    target = tmp_path / "report.json"
    os.symlink("/dev/full", target)  # the report goes to /dev/full: every write fails with ENOSPC
    result = _scan(tmp_path / "arch", demo_pki, "--no-store", "-q", "--json", str(target))
    assert result.exit_code == 3
    assert "cannot write" in result.output and "No space left on device" in result.output
    assert target.is_symlink() and stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_flood_of_bad_rows_and_missing_files_is_summarised_not_listed(
    tmp_path: Path, demo_pki: Path
) -> None:
    root = tmp_path / "arch"
    root.mkdir()
    shutil.copyfile(SIGNED, root / "a.pdf")
    rows = "".join(f"missing-{i}.pdf,X,no-such-level\n" for i in range(20_000))
    (root / "manifest.csv").write_text("file,agency_code,level\n" + rows)
    out = tmp_path / "out"
    result = _scan(root, demo_pki, "--no-store", "--json", str(out / "r.json"), "--html", str(out / "d.html"))
    assert result.exit_code == 0, result.output
    warnings_ = _report(out / "r.json")["warnings"]
    assert len(warnings_) <= 250
    assert warnings_[99].startswith("arch/manifest.csv: line 101: unknown level")
    assert warnings_[100] == "arch/manifest.csv: … and 19,900 more problems in this CSV"
    assert warnings_[-1] == (
        "… and 19,900 more warnings of this kind (manifest rows naming files that are not in the "
        "archive), not listed"
    )
    assert (out / "d.html").stat().st_size < 1_000_000
    assert len(result.output.splitlines()) < 400  # the terminal table lists the same bounded warnings


def test_a_store_on_a_full_disk_exits_3(tmp_path: Path, demo_pki: Path) -> None:
    """RLIMIT_FSIZE stands in for a full disk: writes past 20 kB fail (EFBIG, SIGXFSZ ignored)."""
    (tmp_path / "arch").mkdir()
    shutil.copyfile(SIGNED, tmp_path / "arch" / "a.pdf")

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    args = ["scan", str(tmp_path / "arch"), "--trust-roots", str(demo_pki / "demo-root.pem"), "-q"]
    # No bytecode written: under the limit Python could leave truncated .pyc files behind.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "sigaudit", *args, "--store", str(tmp_path / "s.sqlite")],
        preexec_fn=full_disk,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 3, proc.stderr
    assert "cannot open the result store" in proc.stderr and "Traceback" not in proc.stderr
