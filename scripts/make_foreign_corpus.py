#!/usr/bin/env python3
"""Build a corpus of PDFs signed by three independent signers: iText 5, poppler's pdfsig and pyHanko.

Real Vietnamese archives hold signatures from iText-based signing tools, NSS-based ones and others
(docs/domain.md); each writer has its quirks, so the validator is tested against all three. Keys (RSA
2048/3072, ECDSA P-256/P-384) are issued by the demo intermediate CA (its DEMO-ONLY key is in
``demo/pki/``), each signer signs one unsigned sample letter with each key and each digest it offers.

- iText 5: ``tests/foreign/ItextSign.java`` compiled with javac against Debian's jars
  (libitext5-java, libbcprov-java, libbcpkix-java) — PdfStamper.createSignature +
  MakeSignature.signDetached, CMS (adbe.pkcs7.detached);
- pdfsig: ``pdfsig -add-signature`` from a throw-away NSS database (libnss3-tools);
- pyHanko: ``PdfSigner`` as in ``tests/realsign.py``.

Run ``python scripts/make_foreign_corpus.py --out DIR`` to write the files and an ``index.json``;
the tests import :func:`build_corpus` and build it in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from realsign import Credential, issue, load_issuer, sign  # noqa: E402

JAVA_SOURCE = REPO / "tests" / "foreign" / "ItextSign.java"
JARS = ("itext5.jar", "bcprov.jar", "bcpkix.jar", "bcutil.jar")
JAVA_DIR = Path("/usr/share/java")
DEMO_PKI = REPO / "demo" / "pki"
P12_PASSWORD = "demo"
# An unsigned letter of the sample archive (rendered with the /DR font pdfsig needs).
BASE_LETTER = REPO / "sample_docs" / "huyen" / "viet-tri" / "2024" / "330-UBND-VP_2024-04-09.pdf"

KEYS: dict[str, dict[str, Any]] = {
    "rsa2048": {"bits": 2048},
    "rsa3072": {"bits": 3072},
    "p256": {"curve": "P-256"},
    "p384": {"curve": "P-384"},
}
DIGESTS = ("sha256", "sha384", "sha512")
# "Only digest SHA256 is supported at the moment with -add-signature" (poppler 22.12)
PDFSIG_DIGESTS = ("sha256",)


@dataclass(frozen=True)
class CorpusFile:
    """One signed file: which tool signed it, with which key and digest, and how."""

    name: str
    tool: str  # itext | pdfsig | pyhanko
    key: str  # a KEYS name
    digest: str  # sha256 | sha384 | sha512, as the engine reports it
    data: bytes
    note: str = ""


def missing_tools() -> list[str]:
    """What this machine lacks to build the whole corpus (Debian package names in brackets)."""
    missing = [f"{t} (default-jdk-headless)" for t in ("java", "javac") if shutil.which(t) is None]
    jars = "libitext5-java, libbcprov-java, libbcpkix-java"
    missing += [f"{JAVA_DIR / j} ({jars})" for j in JARS if not (JAVA_DIR / j).exists()]
    missing += [f"{t} (poppler-utils)" for t in ("pdfsig",) if shutil.which(t) is None]
    missing += [f"{t} (libnss3-tools)" for t in ("certutil", "pk12util") if shutil.which(t) is None]
    return missing


def write_p12(cred: Credential, path: Path, name: str) -> Path:
    """The credential with its issuing intermediate as a password-protected PKCS#12 file."""
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            name.encode(),
            cred.key,
            cred.cert,
            [cred.issuer.cert],
            serialization.BestAvailableEncryption(P12_PASSWORD.encode()),
        )
    )
    return path


class Itext:
    """iText 5 through the checked-in Java program, compiled once into ``workdir``."""

    def __init__(self, workdir: Path) -> None:
        self.work = workdir
        self.classes = workdir / "classes"
        self.classes.mkdir(exist_ok=True)
        self.classpath = ":".join(str(JAVA_DIR / j) for j in JARS)
        subprocess.run(
            ["javac", "-nowarn", "-d", str(self.classes), "-cp", self.classpath, str(JAVA_SOURCE)],
            check=True,
            capture_output=True,
        )
        self.count = 0

    def sign(
        self,
        pdf: bytes,
        p12: Path,
        *,
        field: str = "Sig_CoQuan",
        digest: str = "sha256",
        visible: bool = False,
        append: bool = False,
        certify: int | None = None,
        reason: str | None = None,
    ) -> bytes:
        self.count += 1
        src, dst = self.work / f"itext-in-{self.count}.pdf", self.work / f"itext-out-{self.count}.pdf"
        src.write_bytes(pdf)
        cmd = ["java", "-cp", f"{self.classes}:{self.classpath}", "ItextSign", str(src), str(dst), str(p12)]
        cmd += [P12_PASSWORD, "--field", field, "--digest", digest.upper().replace("SHA", "SHA-")]
        cmd += ["--visible"] * visible + ["--append"] * append
        if certify is not None:
            cmd += ["--certify", str(certify)]
        if reason is not None:
            cmd += ["--reason", reason]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"iText signing failed ({proc.returncode}): {proc.stderr}")
        return dst.read_bytes()


class Pdfsig:
    """poppler's pdfsig from a throw-away NSS database that trusts the demo root."""

    def __init__(self, workdir: Path) -> None:
        self.work = workdir
        self.db = workdir / "nssdb"
        self.db.mkdir(exist_ok=True)
        subprocess.run(
            ["certutil", "-N", "-d", f"sql:{self.db}", "--empty-password"], check=True, capture_output=True
        )
        for nick, trust in (("demo-root", "CT,C,C"), ("demo-intermediate", ",,")):
            pem = DEMO_PKI / f"{nick}.pem"
            subprocess.run(
                ["certutil", "-A", "-d", f"sql:{self.db}", "-n", nick, "-t", trust, "-a", "-i", str(pem)],
                check=True,
                capture_output=True,
            )
        self.count = 0

    def add(self, p12: Path) -> None:
        subprocess.run(
            ["pk12util", "-i", str(p12), "-d", f"sql:{self.db}", "-W", P12_PASSWORD, "-K", ""],
            check=True,
            capture_output=True,
        )

    def sign(self, pdf: bytes, nick: str, *, field: str = "Sig_CoQuan", digest: str = "sha256") -> bytes:
        self.count += 1
        src, dst = self.work / f"pdfsig-in-{self.count}.pdf", self.work / f"pdfsig-out-{self.count}.pdf"
        src.write_bytes(pdf)
        proc = None
        # pdfsig 22.12 sizes /Contents from a trial signature; an ECDSA signature's DER length varies,
        # so an attempt can end in "unable update signature": retry (as make_sample_docs.py does).
        for _ in range(60):
            dst.unlink(missing_ok=True)
            proc = subprocess.run(
                [
                    *("pdfsig", "-add-signature", "-nssdir", f"sql:{self.db}", "-nick", nick),
                    *("-digest", digest.upper(), "-new-signature-field-name", field, str(src), str(dst)),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode == 0 and dst.exists():
                return dst.read_bytes()
            if "unable update signature" not in proc.stderr + proc.stdout:
                break
        assert proc is not None
        raise RuntimeError(f"pdfsig failed ({proc.returncode}): {proc.stdout}{proc.stderr}")


def credentials(workdir: Path) -> Iterator[tuple[str, Credential, Path]]:
    """One agency credential per key kind, each with its PKCS#12 file."""
    issuer = load_issuer(DEMO_PKI)
    for name, params in KEYS.items():
        cred = issue(issuer, cn=f"UBND xã Thử Nghiệm {name}", **params)
        yield name, cred, write_p12(cred, workdir / f"{name}.p12", name)


def build_corpus(workdir: Path, base: bytes | None = None) -> list[CorpusFile]:
    """Sign ``base`` (default: an unsigned sample letter) with every tool, key and digest."""
    base = base if base is not None else BASE_LETTER.read_bytes()
    itext, pdfsig = Itext(workdir), Pdfsig(workdir)
    out: list[CorpusFile] = []
    for key, cred, p12 in credentials(workdir):
        pdfsig.add(p12)
        for md in DIGESTS:
            visible = md == "sha384"  # iText: one visible signature per key, the others invisible
            append = md == "sha512"  # ... and one written as an incremental update
            how = ("visible" if visible else "invisible") + (", append mode" if append else ", rewrite")
            out.append(
                CorpusFile(
                    f"itext-{key}-{md}.pdf",
                    "itext",
                    key,
                    md,
                    itext.sign(base, p12, digest=md, visible=visible, append=append),
                    how,
                )
            )
            if md in PDFSIG_DIGESTS:
                data = pdfsig.sign(base, key, digest=md)
                out.append(CorpusFile(f"pdfsig-{key}-{md}.pdf", "pdfsig", key, md, data))
            out.append(CorpusFile(f"pyhanko-{key}-{md}.pdf", "pyhanko", key, md, sign(base, cred, md=md)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, required=True, help="folder to write the signed files into")
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        print("missing: " + ", ".join(missing), file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="foreign-corpus-") as tmp:
        corpus = build_corpus(Path(tmp))
    index = []
    for f in corpus:
        (args.out / f.name).write_bytes(f.data)
        index.append({"file": f.name, "tool": f.tool, "key": f.key, "digest": f.digest, "note": f.note})
    (args.out / "index.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    print(f"{len(corpus)} signed files in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
