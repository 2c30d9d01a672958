#!/usr/bin/env python3
"""Build files whose names and cells attack the report sinks (issue 16, output side).

Each piece of text here is what an archive can really carry, aimed at one sink:

- a CR inside a CSV cell, followed by a forged row (a document path, a SHA-256 and the verdict
  ``valid``): an RFC 4180 reader sees that row when the CR is written unquoted;
- a cell starting with ``=``, ``+``, ``-`` or ``@``: a spreadsheet runs it as a formula
  (``=HYPERLINK(…)`` sends the reader to the attacker's site);
- rich markup (``[/x]``, ``[bold]``, ``[link=…]``): crashes or restyles a rich terminal rendering;
- ANSI/OSC escape sequences (``ESC]8;;URL`` hyperlinks, ``ESC]0;`` window titles, colours) and bidi
  overrides (U+202E): rewrite or reorder what a terminal shows;
- C0 controls XML 1.0 cannot hold (U+0001): an ETSI report naming them is not well-formed.

:func:`hostile_pdf` is a real PDF signed by pyHanko with a certificate the demo intermediate CA issues
(so it validates as ``valid`` against the demo PKI), whose signature field name and signer CN carry
the attacks; :func:`hostile_zip` holds it under hostile member names with a ``manifest.csv`` whose
cells carry them too. ``python scripts/make_hostile_names.py --out DIR`` writes both; the tests
(tests/test_escape.py) build them afresh.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "scripts"))

from make_attack_files import prepared_letter  # noqa: E402

from realsign import Issuer, issue, load_issuer, sign  # noqa: E402

DEMO_PKI = REPO / "demo" / "pki"

FORGED_ROW = "forged/van-ban-gia," + "0" * 64 + ",valid"
# A formula, a CR starting a forged CSV row, a control XML forbids, an OSC window title, a bidi override.
HOSTILE_FIELD = f'=HYPERLINK("http://evil.example/","ok")\r{FORGED_ROW}\x01\x1b]0;pwned\x07\u202eSig'
# A certificate's CN holds at most 64 characters: a formula, a CR, a bidi override, a colour.
HOSTILE_CN = "@SUM(1+1)\r\u202eNguyen Van A\x1b[31m"

# Member names hold no "/" (a ZIP folder) and so no URL scheme's "//": a manifest row names them as is.
# (ST ends an OSC with ESC and a backslash, which the walk reads as a folder separator: BEL ends it here.)
OSC_LINK = "\x1b]8;;https:evil.example\x07click-me\x1b]8;;\x07"
MEMBER_NAMES = (
    "[/x].pdf",  # rich.errors.MarkupError: closing tag '[/x]' has nothing to close
    "[link=https:evil.example]open[/link] [bold]me[/bold].pdf",
    f"{OSC_LINK}.pdf",
    '=HYPERLINK("https:evil.example","x").pdf',
    "\u202efdp.exe.pdf",  # a terminal shows "exe.pdf" reversed
)
# A manifest row naming a file the archive does not hold: the run warns, quoting the name.
MISSING_NAME = "[/x]missing\x1b]0;pwned\x07.pdf"
# An unsigned copy of the letter, so ``scan -v`` lists it (it lists documents that are not valid).
UNSIGNED_NAME = "\x1b]0;pwned\x07\x1b[2J[/x]unsigned.pdf"
# manifest.csv cells: issuing agency code and name, number/notation, recipient names
MANIFEST_CELLS = {
    "agency_code": "+000.00.00.H44",
    "agency_name": "[bold]UBND[/bold] [link=https:evil.example]tỉnh[/link] \x1b]0;pwned\x07Phú Thọ",
    "number_notation": f"-12/UBND\r{FORGED_ROW}",
    "recipients": "@Sở Nội vụ\u202e;=1+1",
}


def hostile_pdf(issuer: Issuer | None = None) -> bytes:
    """The prepared letter signed (pyHanko) in field :data:`HOSTILE_FIELD` by :data:`HOSTILE_CN`."""
    cred = issue(issuer or load_issuer(DEMO_PKI), cn=HOSTILE_CN, uid="MST:0100000001")
    return sign(prepared_letter(), cred, field=HOSTILE_FIELD)


def hostile_manifest(names: tuple[str, ...] = MEMBER_NAMES) -> str:
    """A manifest.csv (RFC 4180, so its own CRs are quoted) giving every file the hostile cells."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = ["file", *MANIFEST_CELLS, "direction", "date", "recipient_codes"]
    writer.writerow(columns)
    for name in names:
        writer.writerow([name, *MANIFEST_CELLS.values(), "sent", "2024-03-12", "000.00.30.H44;000.00.31.H44"])
    return out.getvalue()


def hostile_zip(pdf: bytes) -> bytes:
    """A ZIP holding ``pdf`` under each of :data:`MEMBER_NAMES` and the unsigned letter under
    :data:`UNSIGNED_NAME`, with :func:`hostile_manifest` (which also names :data:`MISSING_NAME`)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in MEMBER_NAMES:
            archive.writestr(name, pdf)
        archive.writestr(UNSIGNED_NAME, prepared_letter())
        archive.writestr("manifest.csv", hostile_manifest((*MEMBER_NAMES, UNSIGNED_NAME, MISSING_NAME)))
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write the files into")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pdf = hostile_pdf()
    (args.out / "hostile-field-and-signer-names.pdf").write_bytes(pdf)
    (args.out / "hostile-member-names.zip").write_bytes(hostile_zip(pdf))
    print(f"2 files in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
