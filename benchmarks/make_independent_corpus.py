#!/usr/bin/env python3
"""An independently made corpus: N ten-page documents laid out with fpdf2, signed twice with stamps.

Usage (from the repository root)::

    .venv/bin/python benchmarks/make_independent_corpus.py --n 60 --out /tmp/sigaudit-indep/60
    .venv/bin/python benchmarks/ratio.py --corpus /tmp/sigaudit-indep/60 --n 60

The benchmark corpus (make_corpus.py) writes its PDF by hand: two pages, one image, few objects. The
issue asks for the ratio on documents made differently, so this one uses another layout library —
fpdf2 — and pyHanko's stamped visible appearances:

1. revision 1: ten A4 pages, each a heading, a paragraph in an embedded TrueType font (DejaVu Sans,
   with diacritics: fpdf2 subsets and embeds it) and a JPEG photo-like image of random noise (~45 KB),
   about 500 KB in all;
2. revision 2: the personal signature (``person-<agency>``), field ``Sig_CaNhan``, with pyHanko's
   ``TextStampStyle`` appearance (a bordered stamp with the signer's name and the time);
3. revision 3: the agency signature (``agency-<agency>``), field ``Sig_CoQuan``, likewise.

Signer pairs come round-robin from the demo PKI (``demo/pki/``), as in make_corpus.py, whose key
loading this reuses. Files are ``DIR/doc-<i>.pdf``; ``DIR/.sigaudit-bench-corpus.json`` lists them
in the format ``profile_validation.load_documents`` reads. Generation is one process (~3 documents/s
on an idle core); an existing corpus of the same N is kept.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from make_corpus import _cached_key_signer_class, _load_signer, _pem_to_der, load_pairs  # noqa: E402

GENERATOR_VERSION = "sigaudit-independent-corpus/1"
FONTS = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")]
TEXT = (
    "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về việc triển khai ký số văn bản điện tử, "
    "cơ quan báo cáo kết quả thực hiện trong kỳ như sau. "
)


def _image(rng: random.Random) -> bytes:
    from PIL import Image

    pixels = bytes(rng.getrandbits(8) for _ in range(160 * 120 * 3))
    out = io.BytesIO()
    Image.frombytes("RGB", (160, 120), pixels).resize((320, 240)).save(out, "JPEG", quality=92)
    return out.getvalue()


def render(index: int, rng: random.Random) -> bytes:
    """Ten pages with fpdf2: text in an embedded font (when one is installed) and an image each."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    font = next((f for f in FONTS if f.exists()), None)
    if font is not None:
        pdf.add_font("body", fname=str(font))
    for page in range(10):
        pdf.add_page()
        pdf.set_font("body" if font else "helvetica", size=14)
        heading = f"Văn bản số {index}/{page + 1} — mã {rng.getrandbits(32):08x}"
        pdf.cell(0, 10, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("body" if font else "helvetica", size=11)
        pdf.multi_cell(0, 6, TEXT * 4 if font else "Bao cao ket qua thuc hien. " * 12)
        pdf.image(io.BytesIO(_image(rng)), x=20, y=120, w=170)
    return bytes(pdf.output())


def sign(pdf: bytes, signer: Any, field: str, box: tuple[int, int, int, int]) -> bytes:
    """One more revision: a visible signature with pyHanko's text stamp (signed now)."""
    from pyhanko import stamp
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256")
    style = stamp.TextStampStyle(stamp_text="Ký bởi: %(signer)s\nThời gian: %(ts)s")
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, stamp_style=style, new_field_spec=fields.SigFieldSpec(field, box=box)
    )
    return bytes(pdf_signer.sign_pdf(w, bytes_reserved=16384).getbuffer())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=60, help="documents (default 60)")
    ap.add_argument("--out", type=Path, required=True, help="output folder")
    ap.add_argument("--seed", default="independent", help="random seed (default 'independent')")
    args = ap.parse_args()
    index_file = args.out / ".sigaudit-bench-corpus.json"
    if index_file.exists():
        meta = json.loads(index_file.read_text(encoding="utf-8"))
        if meta.get("generator") == GENERATOR_VERSION and meta.get("n") == args.n:
            print(f"{args.out}: already holds this corpus")
            return 0
    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    pki = REPO / "demo" / "pki"
    from asn1crypto import x509

    inter = x509.Certificate.load(_pem_to_der((pki / "demo-intermediate.pem").read_bytes()))
    cls = _cached_key_signer_class()
    pairs = load_pairs(pki)
    signers_by_pair = [
        (_load_signer(cls, pki, f"person-{p.slug}", inter), _load_signer(cls, pki, f"agency-{p.slug}", inter))
        for p in pairs
    ]
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(args.n):
        person, agency = signers_by_pair[i % len(pairs)]
        pdf = render(i, rng)
        pdf = sign(pdf, person, "Sig_CaNhan", (360, 40, 560, 110))
        pdf = sign(pdf, agency, "Sig_CoQuan", (100, 40, 300, 110))
        path = args.out / f"doc-{i:05d}.pdf"
        path.write_bytes(pdf)
        files.append({"path": path.name, "size": len(pdf), "sha256": hashlib.sha256(pdf).hexdigest()})
        if (i + 1) % 20 == 0:
            print(f"independent corpus: {i + 1}/{args.n}", flush=True)
    index_file.write_text(
        json.dumps({"generator": GENERATOR_VERSION, "n": args.n, "files": files}, indent=1), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
