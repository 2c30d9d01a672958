#!/usr/bin/env python3
"""Regenerate sigaudit's demo PKI, agency registry and sample document archive.

Run from the repository root::

    /work/venv/bin/python scripts/make_sample_docs.py

Everything under ``demo/`` and ``sample_docs/`` is deleted and rebuilt:

* ``demo/pki/``        a declared DEMO PKI (never trust it anywhere) that mirrors the
                       Vietnamese Government specialised PKI: root, intermediate, agency
                       and personal certificates, an expired and a revoked one, a CRL,
                       and a separate untrusted "rogue" root.
* ``demo/agencies.csv`` agency registry (code,name,level,parent_code,valid_from,valid_to).
* ``demo/expected.json`` what the auditor should conclude for every document.
* ``sample_docs/``     a province archive export: folders by level/agency/year, ZIPs
                       (one nested), a manifest, documents of every kind the auditor must
                       tell apart, and a couple of non-document files.

The script needs no network. Signatures are made with pyHanko and, for the
"foreign signer" documents, with poppler's ``pdfsig`` backed by a throw-away NSS
database (``certutil``/``pk12util`` from libnss3-tools).
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:  # also when loaded by file path (the tests)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
# The parts beside this script, lowest first: sample_common (paths, constants, agencies), sample_pki
# (the demo PKI and the signers), sample_draw (letters as PDF), sample_plan (the documents and their
# builder), sample_layout (folders, ZIPs, registers, edXML, expected.json) and sample_bare (the bare folder).
import sample_bare
import sample_common as common
from sample_common import (
    AGENCIES,
)
from sample_draw import (
    render_pages,
)
from sample_layout import (
    EDXML_SOURCE,
    RECEIVED_COPIES,
    SAMPLE_README,
    write_archive,
    write_bare,
    write_exchange,
    write_expected,
    write_registry,
)
from sample_pki import (
    PdfsigTool,
    build_pki,
    load_pki,
    write_pki,
)
from sample_plan import (
    Builder,
    plan,
)

__all__ = ["main", "render_pages"]  # render_pages: tests/decree30_pdf.py draws its letters with it


def main() -> int:
    parser = argparse.ArgumentParser(description="Regenerate demo/ (PKI, registry) and sample_docs/.")
    parser.add_argument(
        "--out",
        type=Path,
        default=common.ROOT,
        help="folder to write demo/ and sample_docs/ into (default: the repository root)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print pdfsig's check of its signatures")
    parser.add_argument(
        "--exchange-only",
        action="store_true",
        help="keep the signed PDFs and the PKI; only "
        "(re)write the edXML part, the received copies, the registers and expected.json",
    )
    parser.add_argument(
        "--bare-only",
        action="store_true",
        help=f"keep the PKI and every other file; only "
        f"(re)write sample_docs/{sample_bare.FOLDER}/ (signed with the demo/pki/ keys), its "
        "expected.json entries and sample_docs/README.txt",
    )
    args = parser.parse_args()
    common.set_out(args.out.resolve())
    if args.exchange_only:
        docs = plan()
        needed = {EDXML_SOURCE, *RECEIVED_COPIES.values()}
        write_exchange({}, docs, {p: (common.DOCS / p).read_bytes() for p in needed})
        write_expected(docs)
        return 0
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "FFTM NOT subset" chatter
    # "embedding validation info without fetching" warnings: offline on purpose
    logging.getLogger("pyhanko.sign.signers.pdf_signer").setLevel(logging.ERROR)
    if args.bare_only:
        count = write_bare(*load_pki())
        sample_bare.update_expected(
            common.DEMO / "expected.json",
            sample_bare.expected_entries({a.key: (a.code, a.level) for a in AGENCIES.values()}),
        )
        (common.DOCS / "README.txt").write_text(SAMPLE_README, encoding="utf-8")
        print(f"{count} documents written to {common.DOCS.relative_to(common.ROOT)}/{sample_bare.FOLDER}/")
        return 0
    for tool in ("pdfsig", "certutil", "pk12util"):
        if shutil.which(tool) is None:
            print(f"error: {tool} not found (apt-get install poppler-utils libnss3-tools)", file=sys.stderr)
            return 2
    for d in (common.DEMO, common.DOCS):
        if d.exists():
            shutil.rmtree(d)
    common.DEMO.mkdir(parents=True)
    common.DOCS.mkdir(parents=True)
    pki = build_pki()
    write_pki(pki)
    write_registry()
    docs = plan()
    with tempfile.TemporaryDirectory(prefix="sigaudit-nss-") as tmp:
        builder = Builder(pki, PdfsigTool(pki, Path(tmp)))
        write_archive(pki, docs, builder)
        log = "\n".join(builder.pdfsig_log)
    write_bare(pki.agency, pki.person)
    write_expected(docs)
    if args.verbose:
        print(log)
    print(
        f"{len(docs)} documents written to {common.DOCS.relative_to(common.ROOT)}/, "
        f"PKI and registry in {common.DEMO.relative_to(common.ROOT)}/"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
