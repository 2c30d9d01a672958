"""The checked-in generator rebuilds the sample archive from its declared PKI, and the tool agrees.

This runs scripts/make_sample_docs.py into a temporary folder (fresh keys, fresh signatures by pyHanko
and by poppler's pdfsig) and checks every regenerated document gets the verdict the script declares.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sigaudit.cli import main

REPO = Path(__file__).resolve().parents[2]
TOOLS = ("pdfsig", "certutil", "pk12util")
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


@pytest.mark.foreign_signers
@pytest.mark.skipif(
    any(shutil.which(t) is None for t in TOOLS) or not FONT.exists(),
    reason="needs Debian poppler-utils, libnss3-tools and fonts-dejavu-core (installed by .ci/run)",
)
def test_regenerated_archive_gets_the_declared_verdicts(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_sample_docs.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    expected = json.loads((tmp_path / "demo" / "expected.json").read_text(encoding="utf-8"))
    report = tmp_path / "r.json"
    pki = tmp_path / "demo" / "pki"
    result = CliRunner().invoke(
        main,
        [
            "scan",
            str(tmp_path / "sample_docs"),
            "--trust-roots",
            str(pki / "demo-root.pem"),
            "--other-certs",
            str(pki / "demo-intermediate.pem"),
            "--agencies",
            str(tmp_path / "demo" / "agencies.csv"),
            "-q",
            "--json",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    docs = json.loads(report.read_text(encoding="utf-8"))["documents"]
    got = {d["path"].split("/", 1)[1]: (d["verdict"], d["agency"]["level"]) for d in docs}
    want = {p: (e["expected_verdict"], e["level"]) for p, e in expected.items()}
    assert got == want
    # The bare folder (no metadata at all) is written too, declared as the checked-in one, and its letters
    # read as sent to other agencies or kept internal as declared.
    bare = {p: e for p, e in expected.items() if p.startswith("thu-muc-khong-metadata/")}
    checked_in = json.loads((REPO / "demo" / "expected.json").read_text(encoding="utf-8"))
    assert len(bare) >= 12 and bare == {p: checked_in[p] for p in bare}
    assert sorted(f.name for f in (tmp_path / "sample_docs" / "thu-muc-khong-metadata").iterdir()) == sorted(
        p.split("/", 1)[1] for p in bare
    )
    excluded = {d["path"].split("/", 1)[1]: d["excluded_reason"] for d in docs}
    assert {p for p in bare if excluded[p] == "internal"} == {
        p for p, e in bare.items() if e["exchange"] == "internal"
    }
    # The foreign signer really is pdfsig: its signatures need the lenient-parsing fallback.
    foreign = [d for d in docs if "pdfsig" in expected[d["path"].split("/", 1)[1]]["signer_tools"]]
    assert foreign and all(any("parsed leniently" in n for n in d["notes"]) for d in foreign)
