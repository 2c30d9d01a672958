#!/usr/bin/env python3
"""Generate a benchmark corpus: N distinct, validly signed, ~500 KB Vietnamese-style documents.

Usage (from the repository root)::

    .venv/bin/python benchmarks/make_corpus.py --n 1000 --out /tmp/sigaudit-bench/1000

Every document is a two-page official letter (công văn) signed the Vietnamese way with the demo PKI
in ``demo/pki/`` (never trust it anywhere else):

1. revision 1: the letter; page 1 is text, page 2 a "scanned attachment" image of incompressible
   random bytes (FlateDecode), which makes the file ~500 KB like a real scanned document;
2. revision 2: the *personal* signature of the agency's competent signer (``person-<agency>``,
   ``UID=CCCD:…``), field ``Sig_CaNhan``;
3. revision 3: the *agency* signature (``agency-<agency>``, ``UID=MST:…``), field ``Sig_CoQuan``,
   covering the whole file.

Both signatures are visible (a text stamp on page 1). The documents are spread over every signer pair
of the demo PKI (9 agencies, RSA 2048 and ECDSA P-256) and are distinct: each has its own number,
date (2021-2025), nonce and random image. They are written as an archive export would be:
``DIR/<level>/<agency>/<year>/<number>-<notation>_<date>.pdf`` plus ``DIR/manifest.csv`` (read by
sigaudit to attribute each document to its agency, with its date, number and the agency it was
sent to).

Cache: ``DIR/.sigaudit-bench-corpus.json`` records the generator version, N, the size target and every
file with its size. If DIR already holds that corpus, nothing is done (``--verify`` also re-hashes
every file). Otherwise the files of a previous corpus recorded there are removed and the corpus is
generated again with a pool of ``--jobs`` processes (default 2).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import logging
import random
import shutil
import sys
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

GENERATOR_VERSION = "sigaudit-bench-corpus/2"  # 2: the manifest says each document was sent, to whom
META_NAME = ".sigaudit-bench-corpus.json"
REPO = Path(__file__).resolve().parent.parent
DEFAULT_PKI = REPO / "demo" / "pki"
ICT = dt.timezone(dt.timedelta(hours=7), "ICT")
CONTENTS_RESERVED = 8192  # bytes of CMS room per signature (16 KiB of hex in the file)
# Agencies the demo registry (demo/agencies.csv) leaves out on purpose; the manifest states their level.
MANIFEST_LEVELS = {"000.00.00.G09": "central"}  # Bộ Nội vụ
LEVEL_FOLDER = {"central": "trung-uong", "province": "tinh", "district": "huyen", "commune": "xa"}
REASON_PERSON = "Ký duyệt văn bản"
REASON_AGENCY = "Ký số của cơ quan, tổ chức (phát hành)"
SUBJECTS = [
    "V/v triển khai ký số văn bản điện tử",
    "V/v báo cáo kết quả cải cách hành chính",
    "V/v rà soát, đơn giản hóa thủ tục hành chính",
    "V/v tăng cường sử dụng chữ ký số chuyên dùng",
    "V/v chuẩn bị hội nghị sơ kết 6 tháng đầu năm",
    "V/v cập nhật mã định danh điện tử các cơ quan",
    "V/v chủ động phòng, chống thiên tai mùa mưa bão",
    "V/v thực hiện chế độ báo cáo thống kê định kỳ",
]


@dataclass(frozen=True)
class Pair:
    """One signer pair: an agency and its competent person, as declared in demo/pki/index.json."""

    slug: str  # e.g. so-noi-vu
    code: str  # agency code, e.g. 000.00.12.H44
    name: str  # agency name (agency certificate CN)
    level: str  # central/province/district/commune or "" when the registry does not know it
    person: str  # person CN
    notation: str  # notation suffix of the letters


@dataclass(frozen=True)
class Job:
    index: int
    pair: int
    relpath: str
    number: int
    date: str
    nonce: str
    subject: str


def _cn(subject: str) -> str:
    for part in subject.split(","):
        if part.startswith("CN="):
            return part[3:]
    return subject


def load_pairs(pki: Path) -> list[Pair]:
    """Every agency of the demo PKI with its (non-expired, non-revoked) personal certificate."""
    index = json.loads((pki / "index.json").read_text(encoding="utf-8"))
    by_file = {e["file"]: e for e in index}
    registry: dict[str, tuple[str, str]] = {}
    agencies_csv = pki.parent / "agencies.csv"
    if agencies_csv.exists():
        with agencies_csv.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                registry[row["code"]] = (row["name"], row["level"])
    pairs = []
    for e in index:
        if e["role"] != "agency" or not e["file"].startswith("agency-"):
            continue
        slug = e["file"][len("agency-") : -len(".pem")]
        person = by_file.get(f"person-{slug}.pem")
        if person is None or person.get("note"):
            continue
        name, level = registry.get(
            e["agency_code"], (_cn(e["subject"]), MANIFEST_LEVELS.get(e["agency_code"], ""))
        )
        initials = "".join(w[0] for w in slug.split("-")).upper()
        pairs.append(Pair(slug, e["agency_code"], name, level, _cn(person["subject"]), f"{initials}-VP"))
    if not pairs:
        raise SystemExit(f"no agency/person certificate pairs found in {pki}/index.json")
    return pairs


def plan(n: int, pairs: list[Pair], seed: str) -> list[Job]:
    """Deterministic: the same N, pairs and seed always give the same documents (paths, numbers, dates).

    Documents go round-robin over the signer pairs; each agency numbers its letters from 1 every year,
    in date order.
    """
    rng = random.Random(f"{seed}:{n}")
    start = dt.date(2021, 1, 4)
    span = (dt.date(2025, 12, 31) - start).days
    drafts = []
    for i in range(n):
        day = start + dt.timedelta(days=rng.randrange(span))
        if day.weekday() >= 5:  # offices sign on working days
            day -= dt.timedelta(days=day.weekday() - 4)
        drafts.append((i % len(pairs), day, i, SUBJECTS[rng.randrange(len(SUBJECTS))]))
    numbers: dict[int, int] = {}
    counters: dict[tuple[int, int], int] = {}
    for p, day, i, _ in sorted(drafts):
        counters[(p, day.year)] = counters.get((p, day.year), 0) + 1
        numbers[i] = counters[(p, day.year)]
    jobs = []
    for p, day, i, subject in drafts:
        pair = pairs[p]
        folder = LEVEL_FOLDER.get(pair.level, "khac")
        number = numbers[i]
        relpath = f"{folder}/{pair.slug}/{day.year}/{number:05d}-{pair.notation}_{day.isoformat()}.pdf"
        nonce = hashlib.sha256(f"{seed}:{n}:{i}".encode()).hexdigest()[:24]
        jobs.append(Job(i, p, relpath, number, day.isoformat(), nonce, subject))
    return jobs


# --------------------------------------------------------------------------------------------------
# Worker side: pyHanko is imported and keys are parsed once per worker process.
# --------------------------------------------------------------------------------------------------

_W: dict[str, Any] = {}


def _cached_key_signer_class() -> Any:
    """SimpleSigner that parses its private key once, not on every signature (pyHanko 0.38 does)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class CachedKeySigner(SimpleSigner):  # type: ignore[misc]
        _pyca_key: Any = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if self._pyca_key is None:
                self._pyca_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
            key = self._pyca_key
            hash_algo = get_pyca_cryptography_hash(digest_algorithm)
            if mechanism == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
                return key.sign(data, PKCS1v15(), hash_algo)
            if mechanism == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
                return key.sign(data, ECDSA(hash_algo))
            return bytes(super().sign_raw(data, digest_algorithm))

    return CachedKeySigner


def _load_signer(cls: Any, pki: Path, stem: str, inter: Any) -> Any:
    from asn1crypto import keys, x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = serialization.load_pem_private_key((pki / f"{stem}.DEMO-ONLY.key.pem").read_bytes(), password=None)
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pem_cert = (pki / f"{stem}.pem").read_bytes()
    cert = x509.Certificate.load(_pem_to_der(pem_cert))
    signer = cls(
        signing_cert=cert,
        signing_key=keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore.from_certs([inter]),
    )
    signer._pyca_key = key
    return signer


def _pem_to_der(pem: bytes) -> bytes:
    from asn1crypto import pem as asn1_pem

    _, _, der = asn1_pem.unarmor(pem)
    return bytes(der)


def _init_worker(pki: str, pairs: list[Pair], out: str, size_bytes: int) -> None:
    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    signer_cls = _cached_key_signer_class()
    pki_dir = Path(pki)
    from asn1crypto import x509

    inter = x509.Certificate.load(_pem_to_der((pki_dir / "demo-intermediate.pem").read_bytes()))
    signers_by_pair = []
    for pair in pairs:
        person = _load_signer(signer_cls, pki_dir, f"person-{pair.slug}", inter)
        agency = _load_signer(signer_cls, pki_dir, f"agency-{pair.slug}", inter)
        signers_by_pair.append((person, agency))
    _W.update(pairs=pairs, signers=signers_by_pair, out=Path(out), size=size_bytes)


def _timed_signer_class() -> Any:
    from pyhanko.sign import signers

    class TimedPdfSigner(signers.PdfSigner):  # type: ignore[misc]
        """PdfSigner whose claimed signing time (CMS signingTime and /M) is the document's."""

        def __init__(self, *args: Any, signing_time: dt.datetime, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._signing_time = signing_time

        def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
            session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
            session.system_time = self._signing_time
            return session

    return TimedPdfSigner


def _ascii(text: str) -> str:
    """Base-14 fonts carry no Vietnamese glyphs: the page text drops the diacritics (the bytes that
    matter for validation are the same kind either way)."""
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _pdf_text(s: str) -> bytes:
    return s.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def render(job: Job, pair: Pair, size_bytes: int) -> bytes:
    """Revision 1: a two-page letter; page 2 is an incompressible 'scan' sized to reach the target."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    date = dt.date.fromisoformat(job.date)
    w = PdfFileWriter()
    font = w.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Times-Roman"),
                generic.pdf_name("/Encoding"): generic.pdf_name("/WinAnsiEncoding"),
            }
        )
    )
    lines = [
        (pair.name.upper(), 60, 790, 11),
        ("CONG HOA XA HOI CHU NGHIA VIET NAM", 330, 790, 11),
        ("Doc lap - Tu do - Hanh phuc", 360, 776, 11),
        (f"So: {job.number}/{pair.notation}", 80, 750, 11),
        (f"ngay {date.day:02d} thang {date.month:02d} nam {date.year}", 360, 750, 11),
        (job.subject, 60, 734, 10),
        ("CONG VAN", 270, 690, 14),
        ("Kinh gui: Cac so, ban, nganh; UBND cac huyen, thanh, thi.", 90, 660, 11),
        (
            "Thuc hien Nghi dinh so 30/2020/ND-CP ngay 05/3/2020 cua Chinh phu ve cong tac van thu,",
            72,
            634,
            11,
        ),
        (f"{pair.name} de nghi cac co quan, don vi trien khai cac noi dung neu tren.", 72, 618, 11),
        ("Tai lieu kem theo: ban chup (phu luc) o trang 2.", 72, 602, 11),
        ("Noi nhan: - Nhu tren; - Luu: VT.", 72, 560, 9),
        (pair.person, 400, 470, 11),
        (f"Ma xac thuc: {job.nonce}", 72, 60, 7),
    ]
    ops = b"".join(
        b"BT /F1 %d Tf 1 0 0 1 %d %d Tm (%s) Tj ET\n" % (size, x, y, _pdf_text(_ascii(text)))
        for text, x, y, size in lines
    )
    res1 = generic.DictionaryObject(
        {generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/F1"): font})}
    )
    w.insert_page(
        PageObject(
            contents=w.add_object(generic.StreamObject(stream_data=ops)),
            media_box=(0, 0, 595, 842),
            resources=res1,
        )
    )
    # The "scanned" attachment: random RGB pixels, seeded by the nonce, Flate-compressed (incompressible).
    raw_target = max(3 * 64, size_bytes - 26_000)
    width = 600
    height = max(1, raw_target // (3 * width))
    pixels = random.Random(job.nonce).randbytes(width * height * 3)
    image = generic.StreamObject(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Image"),
                generic.pdf_name("/Width"): generic.NumberObject(width),
                generic.pdf_name("/Height"): generic.NumberObject(height),
                generic.pdf_name("/ColorSpace"): generic.pdf_name("/DeviceRGB"),
                generic.pdf_name("/BitsPerComponent"): generic.NumberObject(8),
                generic.pdf_name("/Filter"): generic.pdf_name("/FlateDecode"),
            }
        ),
        encoded_data=zlib.compress(pixels, 1),
    )
    res2 = generic.DictionaryObject(
        {
            generic.pdf_name("/XObject"): generic.DictionaryObject(
                {generic.pdf_name("/Im1"): w.add_object(image)}
            ),
            generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/F1"): font}),
        }
    )
    ops2 = b"q 535 0 0 %d 30 60 cm /Im1 Do Q\nBT /F1 9 Tf 1 0 0 1 30 40 Tm (%s) Tj ET\n" % (
        min(760, round(535 * height / width)),
        _pdf_text(f"Phu luc kem theo van ban so {job.number}/{pair.notation} - {job.nonce}"),
    )
    w.insert_page(
        PageObject(
            contents=w.add_object(generic.StreamObject(stream_data=ops2)),
            media_box=(0, 0, 595, 842),
            resources=res2,
        )
    )
    w.set_info(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Title"): generic.TextStringObject(
                    f"{job.number}/{pair.notation} {job.subject}"
                ),
                generic.pdf_name("/Author"): generic.TextStringObject(pair.name),
                generic.pdf_name("/Subject"): generic.TextStringObject(f"nonce {job.nonce}"),
            }
        )
    )
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _sign(
    pdf: bytes,
    signer: Any,
    field: str,
    box: tuple[int, int, int, int],
    when: dt.datetime,
    reason: str,
    location: str,
) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm="sha256", reason=reason, location=location
    )
    cls = _W.setdefault("timed", _timed_signer_class())
    s = cls(meta, signer=signer, signing_time=when, new_field_spec=fields.SigFieldSpec(field, box=box))
    # A fixed /Contents reservation, as signing tools do, skips pyHanko's dry-run size estimate.
    return bytes(s.sign_pdf(w, bytes_reserved=CONTENTS_RESERVED).getbuffer())


def build(job: Job) -> tuple[int, str, int, str]:
    """Render, sign twice, write; return (index, relpath, size, sha256)."""
    pair: Pair = _W["pairs"][job.pair]
    person, agency = _W["signers"][job.pair]
    date = dt.date.fromisoformat(job.date)
    minute = int(job.nonce[:4], 16) % 50
    pdf = render(job, pair, _W["size"])
    pdf = _sign(
        pdf,
        person,
        "Sig_CaNhan",
        (360, 490, 540, 560),
        dt.datetime(date.year, date.month, date.day, 8, minute, tzinfo=ICT),
        REASON_PERSON,
        pair.name,
    )
    pdf = _sign(
        pdf,
        agency,
        "Sig_CoQuan",
        (300, 380, 540, 470),
        dt.datetime(date.year, date.month, date.day, 10, minute, tzinfo=ICT),
        REASON_AGENCY,
        pair.name,
    )
    target: Path = _W["out"] / job.relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".pdf.part")
    tmp.write_bytes(pdf)
    tmp.replace(target)
    return job.index, job.relpath, len(pdf), hashlib.sha256(pdf).hexdigest()


# --------------------------------------------------------------------------------------------------
# Cache and orchestration
# --------------------------------------------------------------------------------------------------


def _cache_key(n: int, size_kb: int, seed: str, pki: Path) -> dict[str, Any]:
    index_sha = hashlib.sha256((pki / "index.json").read_bytes()).hexdigest()
    return {
        "generator": GENERATOR_VERSION,
        "n": n,
        "size_kb": size_kb,
        "seed": seed,
        "pki_index_sha256": index_sha,
    }


def cached(out: Path, key: dict[str, Any], verify: bool) -> dict[str, Any] | None:
    """The recorded corpus if DIR holds exactly it (same key, every file present with its size)."""
    meta_path = out / META_NAME
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("key") != key or len(meta.get("files", [])) != key["n"]:
        return None
    for f in meta["files"]:
        p = out / f["path"]
        try:
            if p.stat().st_size != f["size"]:
                return None
        except OSError:
            return None
        if verify and hashlib.sha256(p.read_bytes()).hexdigest() != f["sha256"]:
            return None
    return meta


def _clear_previous(out: Path) -> None:
    """Remove what a previous run of this generator wrote; refuse to touch anything else."""
    meta_path = out / META_NAME
    if not out.exists():
        return
    if meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except ValueError:
            meta = {}
        for f in meta.get("files", []):
            (out / f["path"]).unlink(missing_ok=True)
        meta_path.unlink()
        (out / "manifest.csv").unlink(missing_ok=True)
    leftovers = [p for p in out.rglob("*") if p.is_file() and not p.name.endswith(".pdf.part")]
    if leftovers:
        raise SystemExit(
            f"{out} holds files this generator did not record (e.g. {leftovers[0]}); "
            "choose an empty or new folder"
        )
    shutil.rmtree(out)


def make_corpus(
    n: int,
    out: Path,
    *,
    jobs: int = 2,
    size_kb: int = 500,
    seed: str = "sigaudit-bench",
    pki: Path = DEFAULT_PKI,
    verify: bool = False,
    quiet: bool = False,
) -> dict[str, Any]:
    """Ensure ``out`` holds the corpus; return its metadata (with ``reused`` True when cached)."""
    key = _cache_key(n, size_kb, seed, pki)
    meta = cached(out, key, verify)
    if meta is not None:
        if not quiet:
            print(
                f"corpus: {out} already holds {n} documents ({GENERATOR_VERSION}); nothing to do",
                file=sys.stderr,
            )
        meta["reused"] = True
        return meta
    _clear_previous(out)
    out.mkdir(parents=True, exist_ok=True)
    pairs = load_pairs(pki)
    todo = plan(n, pairs, seed)
    started = time.perf_counter()
    results: list[tuple[int, str, int, str]] = []
    with ProcessPoolExecutor(
        max_workers=max(1, jobs),
        initializer=_init_worker,
        initargs=(str(pki), pairs, str(out), size_kb * 1000),
    ) as pool:
        for done, res in enumerate(pool.map(build, todo, chunksize=8), 1):
            results.append(res)
            if not quiet and (done % 100 == 0 or done == n):
                rate = done / (time.perf_counter() - started)
                print(f"corpus: {done}/{n} documents ({rate:.1f}/s)", file=sys.stderr)
    elapsed = time.perf_counter() - started
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        header = ["file", "agency_code", "agency_name", "level", "direction", "date", "number_notation"]
        wr.writerow([*header, "recipient_codes"])
        for job in todo:
            # Sent by its agency to the next agency of the list: every document is in the inter-agency
            # KPI, so the benchmark goes through the whole of classification and reconciliation.
            pair, recipient = pairs[job.pair], pairs[(job.pair + 1) % len(pairs)]
            numbering = f"{job.number}/{pair.notation}"
            row = [job.relpath, pair.code, pair.name, pair.level, "sent", job.date, numbering]
            wr.writerow([*row, recipient.code])
    results.sort()
    meta = {
        "key": key,
        "pairs": [asdict(p) for p in pairs],
        "generated_in_s": round(elapsed, 2),
        "total_bytes": sum(r[2] for r in results),
        "files": [{"path": r[1], "size": r[2], "sha256": r[3]} for r in results],
    }
    tmp = out / (META_NAME + ".part")
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    tmp.replace(out / META_NAME)
    if not quiet:
        mean = meta["total_bytes"] / max(1, n) / 1000
        print(
            f"corpus: {n} documents written to {out} in {elapsed:.1f} s (mean {mean:.0f} KB)", file=sys.stderr
        )
    meta["reused"] = False
    return meta


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, required=True, help="number of documents")
    ap.add_argument(
        "--out", type=Path, required=True, help="corpus folder (created; reused when it holds the corpus)"
    )
    ap.add_argument("--jobs", type=int, default=2, help="generator processes (default 2)")
    ap.add_argument(
        "--size-kb", type=int, default=500, help="approximate size of each document (default 500)"
    )
    ap.add_argument("--seed", default="sigaudit-bench", help="seed of numbers, dates, nonces and images")
    ap.add_argument("--pki", type=Path, default=DEFAULT_PKI, help="demo PKI folder (default demo/pki)")
    ap.add_argument(
        "--verify", action="store_true", help="re-hash every cached file before reusing the corpus"
    )
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args()
    if args.n < 1:
        ap.error("--n must be at least 1")
    make_corpus(
        args.n,
        args.out.resolve(),
        jobs=args.jobs,
        size_kb=args.size_kb,
        seed=args.seed,
        pki=args.pki.resolve(),
        verify=args.verify,
        quiet=args.quiet,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
