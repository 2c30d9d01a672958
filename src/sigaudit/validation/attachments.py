"""The files a PDF carries inside it (its ``/EmbeddedFiles``), with the SHA-256 of each.

``sigaudit verify`` lists them for a document it found valid — such as sigaudit's own signed report,
which carries its JSON report and CSV evidence — so a reader can check that the evidence handed over
is the evidence that was signed. Only a valid document's are listed: its bytes are vouched for by a
trusted signer, and they are read here, in the calling process, not in a bounded worker. Even so the
walk is bounded: at most :data:`MAX_FILES` files, a name tree at most :data:`MAX_DEPTH` deep, and a
file that decompresses past ``max_bytes`` is listed without a digest.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from .objects import deref

MAX_FILES = 64
MAX_DEPTH = 8
MAX_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class EmbeddedFile:
    """One file carried in a PDF: its name, size and SHA-256 (``None`` with ``problem`` when unread)."""

    name: str
    size: int | None
    sha256: str | None
    relationship: str | None  # /AFRelationship (Data, Source, …) when the file spec has one
    associated: bool  # listed in the document catalog's /AF (associated files, PDF/A-3)
    problem: str = ""


def embedded_files(data: bytes, max_bytes: int = MAX_BYTES) -> tuple[EmbeddedFile, ...]:
    """The embedded files of the PDF ``data``; an unreadable structure gives what was read so far."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        root = reader.root
        associated = {_ref(x) for x in _array(root.get("/AF"))}
        names = root.get("/Names")
        tree = names.get("/EmbeddedFiles") if isinstance(names, generic.DictionaryObject) else None
        found: list[EmbeddedFile] = []
        for name, spec_ref in _leaves(tree, 0):
            if len(found) >= MAX_FILES:
                break
            found.append(_file(name, spec_ref, associated, max_bytes))
        return tuple(found)
    except (PdfError, ValueError, TypeError, KeyError, AttributeError, RecursionError, IndexError):
        return ()


def _array(value: Any) -> list[Any]:
    obj = deref(value)
    return list(obj) if isinstance(obj, generic.ArrayObject) else []


def _ref(value: Any) -> tuple[int, int] | None:
    if isinstance(value, generic.IndirectObject):
        return value.idnum, value.generation
    return None


def _leaves(node: Any, depth: int) -> Iterator[tuple[str, Any]]:
    """(name, file spec) pairs of a name tree, in order, at most :data:`MAX_DEPTH` levels deep."""
    if node is None or depth > MAX_DEPTH:
        return
    node = deref(node)
    if not isinstance(node, generic.DictionaryObject):
        return
    pairs = _array(node.get("/Names"))
    for n in range(0, len(pairs) - 1, 2):
        yield str(pairs[n]), pairs[n + 1]
    for kid in _array(node.get("/Kids")):
        yield from _leaves(kid, depth + 1)


def _file(name: str, spec_ref: Any, associated: set[tuple[int, int] | None], max_bytes: int) -> EmbeddedFile:
    spec = deref(spec_ref)
    if not isinstance(spec, generic.DictionaryObject):
        return EmbeddedFile(name, None, None, None, False, "not a file specification")
    shown = str(spec.get("/UF") or spec.get("/F") or name)
    relationship = spec.get("/AFRelationship")
    rel = str(relationship).lstrip("/") if relationship is not None else None
    is_associated = _ref(spec_ref) in associated and _ref(spec_ref) is not None
    ef = spec.get("/EF")
    ef = deref(ef)
    stream = ef.get("/F") if isinstance(ef, generic.DictionaryObject) else None
    stream = deref(stream)
    if not isinstance(stream, generic.StreamObject):
        return EmbeddedFile(shown, None, None, rel, is_associated, "no embedded stream")
    content = _content(stream, max_bytes)
    if isinstance(content, str):
        return EmbeddedFile(shown, None, None, rel, is_associated, content)
    return EmbeddedFile(shown, len(content), hashlib.sha256(content).hexdigest(), rel, is_associated)


def _content(stream: generic.StreamObject, max_bytes: int) -> bytes | str:
    """The decoded bytes, or why not: Flate is inflated with a bound, other filters only when the
    encoded stream is already within the bound."""
    filters = stream.get("/Filter")
    names = [str(f) for f in filters] if isinstance(filters, generic.ArrayObject) else [str(filters or "")]
    encoded = stream.encoded_data
    if names == ["/FlateDecode"] and "/DecodeParms" not in stream:
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(encoded, max_bytes + 1)
        except zlib.error as exc:
            return f"cannot inflate: {exc}"
        return f"larger than {max_bytes:,} bytes: not hashed" if len(out) > max_bytes else out
    if len(encoded) > max_bytes:
        return f"larger than {max_bytes:,} bytes: not hashed"
    try:
        return bytes(stream.data)
    except (PdfError, NotImplementedError, ValueError) as exc:
        return f"cannot decode: {exc}"
