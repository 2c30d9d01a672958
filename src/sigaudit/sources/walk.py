"""Walk folders, ZIP files (nested too) and single files, and yield what they hold.

The archive is only ever read: files are opened read-only and non-blocking (a named pipe never stalls
the walk), ZIP members are read into memory and never extracted, symbolic links inside the archive are
not followed (a scan root the user named is). What a file is, is decided by its content (PDF and ZIP
magic numbers, an ``edXML`` root element), with the name used only to tell documents in other formats
from unrelated files. The attachments of an edXML package are documents, attributed to its sender.

Names are shown as UTF-8; a file, folder or ZIP member name whose bytes are not UTF-8 (TCVN3 or
Windows-1258 exports) is shown with each such byte written ``\\xNN`` — the same bytes give the same
path on every run — and a :class:`Notice` says so. The file itself is read through its raw name.
"""

from __future__ import annotations

import dataclasses
import errno
import itertools
import os
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath

from ..model import Direction, DocumentMeta, Party, Skipped, StatusEvent
from .edxml import EdxmlPackage, looks_like_edxml, may_open_xml, read_package
from .manifest import ManifestEntry, is_document_csv, iter_manifest

PDF_MAGIC = b"%PDF-"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
# Formats in which state documents are also exchanged; they cannot carry a PDF signature, so they are
# audited as documents (verdict "unreadable", reason "not a PDF") rather than silently ignored.
OTHER_DOCUMENT_SUFFIXES = {
    ".doc": "Word document",
    ".docx": "Word document",
    ".odt": "OpenDocument text",
    ".rtf": "RTF document",
    ".xls": "Excel workbook",
    ".xlsx": "Excel workbook",
    ".tif": "TIFF image",
    ".tiff": "TIFF image",
}
# Rows of a manifest or register handed on at a time (about 1 KB each once parsed).
MANIFEST_BATCH = 1000
# Problems of one manifest or register listed; the others are counted (a register of a million bad
# rows would otherwise hold and report a million lines).
MANIFEST_PROBLEMS_LISTED = 100
OFFICE_ZIP_SUFFIXES = {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"}


@dataclass(frozen=True)
class WalkLimits:
    """Bounds that keep a hostile archive from exhausting the machine."""

    max_file_bytes: int = 512 * 1024 * 1024
    max_zip_depth: int = 4  # ZIPs inside ZIPs beyond this depth are reported, not opened
    max_zip_ratio: int = 200  # uncompressed/compressed size above which a big member is a bomb
    max_zip_members: int = 100_000
    max_zip_total_bytes: int = 8 * 1024 * 1024 * 1024  # uncompressed bytes read from one ZIP, nested included
    # Not a limit but the walker's one other setting: more register headings per column ([columns]).
    columns: tuple[tuple[str, tuple[str, ...]], ...] = ()


FileStamp = tuple[int, int, int, int, int]  # st_dev, st_ino, st_size, st_mtime_ns, st_ctime_ns


@dataclass(frozen=True)
class Candidate:
    """A file to validate: its path inside the scan and its bytes, or why they could not be read.

    A plain file the previous run saw unchanged (same device, inode, size, modification and change
    time) may come with ``known_sha256`` and no bytes: the caller reads it only if it needs them. A
    plain file whose first bytes say PDF may come with ``to_read`` and no bytes (see :func:`walk`).
    """

    path: str
    data: bytes | None
    error: str | None = None
    file: Path | None = None  # the file on disk, for documents that are plain files (not ZIP members)
    stamp: FileStamp | None = None  # the file's stat when it was read (plain files only)
    known_sha256: str | None = None  # digest recorded for this unchanged file; then data is None
    # A PDF on disk (by its first bytes) left for the validating worker to read, hash and judge
    # (walk(..., defer_pdfs=True)): no bytes, and ``stamp`` is the stat the walk saw.
    to_read: bool = False


@dataclass(frozen=True)
class ManifestFound:
    """Rows of a manifest.csv or register (or the sender of an edXML package's attachments), with
    ``file`` already resolved to scan paths. A long manifest comes as several of these, in order, at
    most MANIFEST_BATCH rows each; its problems come with the last."""

    path: str
    entries: tuple[ManifestEntry, ...]
    problems: tuple[str, ...]  # the first MANIFEST_PROBLEMS_LISTED
    more_problems: int = 0  # problems found beyond those, counted only


@dataclass(frozen=True)
class StatusFound:
    """A status message (văn bản trạng thái) answering the document whose edXML DocumentId is given."""

    path: str
    document_id: str
    status: StatusEvent


@dataclass(frozen=True)
class Notice:
    """Something the run's warnings should say about a path that is still walked (e.g. a name shown
    escaped because it is not UTF-8)."""

    path: str
    text: str


WalkEvent = Candidate | Skipped | ManifestFound | StatusFound | Notice

NOT_UTF8_NAME = "name is not valid UTF-8: shown escaped (\\xNN for each byte that is not UTF-8)"


def shown_name(name: str) -> tuple[str, bool]:
    """A name from the file system (or a ZIP) as reports and the store show it, and whether it had to
    be escaped: itself when it is UTF-8, else its raw bytes with every byte that is not UTF-8 written
    as ``\\xNN``. Python hands undecodable names over as lone surrogates, which no UTF-8 writer (SQLite,
    JSON, CSV, HTML) accepts; the escaped form is stable, so a re-scan finds the same path."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = name.encode("utf-8", "surrogateescape")  # the bytes on disk (os.fsencode on POSIX)
        except UnicodeEncodeError:  # a surrogate that does not stand for a byte
            return name.encode("utf-8", "backslashreplace").decode("ascii"), True
        return raw.decode("utf-8", "backslashreplace"), True
    return name, False


def display_root(path: Path) -> str:
    """Name under which a scan argument's contents are reported (escaped if it is not UTF-8)."""
    name = path.name or path.resolve().name
    return shown_name(name or str(path))[0]


KnownFiles = Callable[[str, FileStamp], "str | None"]


def walk(
    paths: list[Path],
    limits: WalkLimits | None = None,
    known: KnownFiles | None = None,
    defer_pdfs: bool = False,
) -> Iterator[WalkEvent]:
    """Yield every candidate document, skipped file and manifest under ``paths``, in a stable order.

    ``known(absolute_path, stamp)`` may name the SHA-256 recorded for an unchanged plain file: that
    file is then not read (see :class:`Candidate`). With ``defer_pdfs``, a plain file whose first
    PDF_SNIFF_BYTES say it is a PDF is not read further: it comes as ``to_read``, for the process that
    validates it to read with :func:`read_document` (ZIP members and edXML attachments always come
    with their bytes: they exist only inside the container the walk reads).
    """
    limits = limits or WalkLimits()
    for root in paths:
        shown = display_root(root)
        if shown_name(root.name)[1] or shown_name(str(root))[1]:
            yield Notice(shown, f"scan root {NOT_UTF8_NAME}")
        # A root the user named is followed if it is a symbolic link (links inside are not).
        real = Path(os.path.realpath(root)) if root.is_symlink() else root
        if real.is_dir():
            yield from _walk_dir(real, shown, limits, known, defer_pdfs)
        else:
            yield from _from_file(real, shown, limits, known, defer_pdfs)


def file_stamp(info: os.stat_result) -> FileStamp:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def read_document(path: Path, limits: WalkLimits) -> tuple[bytes, FileStamp]:
    """Read a plain file (read-only, no symbolic link followed); raises OSError on failure."""
    try:
        return _read_file(path, limits)
    except _TooLarge as exc:
        raise OSError(f"file too large ({exc.size} bytes)") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a link (put there since the walk listed a file)
            raise OSError(errno.ELOOP, "symbolic link not followed") from exc
        raise


def _walk_dir(
    directory: Path, shown: str, limits: WalkLimits, known: KnownFiles | None, defer_pdfs: bool
) -> Iterator[WalkEvent]:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        yield Skipped(shown, f"folder cannot be listed: {exc.strerror or exc}")
        return
    # A folder's manifest and registers (CSV) are read before its files.
    entries.sort(key=lambda e: not e.name.lower().endswith(".csv"))
    for entry in entries:
        name, escaped = shown_name(entry.name)
        child = f"{shown}/{name}"
        if escaped:
            yield Notice(child, NOT_UTF8_NAME)
        if entry.is_symlink():
            yield Skipped(child, "symbolic link not followed")
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk_dir(Path(entry.path), child, limits, known, defer_pdfs)
        elif entry.is_file(follow_symlinks=False):
            yield from _from_file(Path(entry.path), child, limits, known, defer_pdfs)
        else:
            yield Skipped(child, "not a regular file")


def _open_file(path: Path, limits: WalkLimits) -> tuple[int, os.stat_result]:
    """Open a plain file to read it, with its stat; raises OSError (or _TooLarge) on failure."""
    # O_RDONLY only: the archive under audit is never written to. O_NONBLOCK: opening a named pipe
    # (named on the command line, or swapped in after the folder was listed) would otherwise wait for
    # a writer for ever; the type is then checked on the open descriptor, before anything is read.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _NotRegular(_file_kind(info.st_mode))
        if info.st_size > limits.max_file_bytes:
            raise _TooLarge(info.st_size)
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def _read_rest(fd: int, info: os.stat_result, limits: WalkLimits, head: bytes = b"") -> bytes:
    """The file's bytes, ``head`` (already read from ``fd``) first; raises _TooLarge past the limit."""
    # Ask for the size fstat gave (asking for the limit made Python allocate the whole limit for
    # every file); a file that grows meanwhile is read on, up to one byte past the limit.
    want = min(info.st_size, limits.max_file_bytes) + 1
    data = head + _read_up_to(fd, want - len(head)) if len(head) < want else head
    if len(data) == want and want <= limits.max_file_bytes:
        data += _read_up_to(fd, limits.max_file_bytes + 1 - want)
    if len(data) > limits.max_file_bytes:
        raise _TooLarge(len(data))
    return data


def _read_file(path: Path, limits: WalkLimits) -> tuple[bytes, FileStamp]:
    fd, info = _open_file(path, limits)
    try:
        return _read_rest(fd, info, limits), file_stamp(info)
    finally:
        os.close(fd)


# Bytes of a file read to tell a PDF from the rest when the worker is to read the whole (defer_pdfs).
PDF_SNIFF_BYTES = 1024


def _pdf_by_content(data: bytes, suffix: str) -> bool:
    """The PDF rule on a file that is not an edXML package: "%PDF-" in its first PDF_SNIFF_BYTES bytes;
    a ZIP that stores a PDF uncompressed carries it there too, so a file that starts as a ZIP is a ZIP
    unless it is presented as a PDF."""
    return PDF_MAGIC in data[:PDF_SNIFF_BYTES] and not (data[:4] in ZIP_MAGICS and suffix != ".pdf")


def is_pdf_head(head: bytes, name: str) -> bool:
    """Whether a file starting with ``head`` (its first PDF_SNIFF_BYTES bytes, or all of a shorter
    file) is a PDF candidate as :func:`walk` classifies it, without the rest: a file whose first byte
    could open an XML prologue (edXML is tested first, on more bytes) is never decided here."""
    return not may_open_xml(head) and _pdf_by_content(head, PurePosixPath(name).suffix.lower())


def is_pdf_content(data: bytes, name: str) -> bool:
    """Whether a whole file's ``data`` is a PDF candidate as :func:`walk` classifies it (an edXML
    package is not, whatever it carries; a PDF after a BOM or whitespace is)."""
    return not looks_like_edxml(data) and _pdf_by_content(data, PurePosixPath(name).suffix.lower())


def _read_up_to(fd: int, size: int) -> bytes:
    """Read until ``size`` bytes or the end of the file, whichever comes first."""
    chunks = []
    while size > 0:
        chunk = os.read(fd, size)
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class _NotRegular(OSError):
    def __init__(self, kind: str) -> None:
        super().__init__(f"not a regular file ({kind})")
        self.kind = kind


def _file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "named pipe"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISDIR, "folder"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
    )
    return next((words for test, words in kinds if test(mode)), "special file")


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def _from_file(
    path: Path, shown: str, limits: WalkLimits, known: KnownFiles | None, defer_pdfs: bool
) -> Iterator[WalkEvent]:
    absolute = Path(os.path.abspath(path))
    if known is not None:
        try:
            info = os.lstat(path)
        except OSError:
            info = None
        if info is not None and stat.S_ISREG(info.st_mode):
            digest = known(str(absolute), file_stamp(info))
            if digest is not None:
                yield Candidate(shown, None, file=absolute, stamp=file_stamp(info), known_sha256=digest)
                return
    try:
        fd, info = _open_file(path, limits)
        try:
            head = _read_up_to(fd, PDF_SNIFF_BYTES) if defer_pdfs else b""
            if defer_pdfs and is_pdf_head(head, shown):
                yield Candidate(shown, None, file=absolute, stamp=file_stamp(info), to_read=True)
                return
            data, stamp = _read_rest(fd, info, limits, head), file_stamp(info)
        finally:
            os.close(fd)
    except _TooLarge as exc:
        yield from _classify_unreadable(shown, f"file too large ({exc.size} bytes)")
        return
    except _NotRegular as exc:
        # Not a document whatever its name: a pipe, device or socket holds no file to audit.
        yield Skipped(shown, f"not a regular file ({exc.kind}); not read")
        return
    except OSError as exc:
        yield from _classify_unreadable(shown, f"cannot read file: {exc.strerror or exc}")
        return
    for event in _classify(shown, data, limits, depth=0):
        if isinstance(event, Candidate) and event.path == shown:
            # Absolute, not resolved: no symbolic link is followed inside the walk, and resolving
            # cost seven lstat calls per file.
            event = dataclasses.replace(event, file=absolute, stamp=stamp)
        yield event


def _classify_unreadable(shown: str, reason: str) -> Iterator[WalkEvent]:
    if _looks_like_document_name(shown):
        yield Candidate(shown, None, reason)
    else:
        yield Skipped(shown, reason)


def _manifest_batches(shown: str, data: bytes, name: str, limits: WalkLimits) -> Iterator[ManifestFound]:
    """A manifest's or register's rows, MANIFEST_BATCH at a time (a register listing a year of a
    province's documents is never held whole); the problems come with the last batch, the first
    MANIFEST_PROBLEMS_LISTED of them listed and the others counted."""
    problems: list[str] = []  # the latest batch's, moved to ``listed`` or counted after each batch
    listed: list[str] = []
    more = 0

    def take(batch: tuple[ManifestEntry, ...]) -> tuple[ManifestEntry, ...]:
        nonlocal more
        room = max(0, MANIFEST_PROBLEMS_LISTED - len(listed))
        listed.extend(problems[:room])
        more += max(0, len(problems) - room)
        problems.clear()
        return batch

    rows = iter_manifest(data, _parent(shown), problems, name, dict(limits.columns))
    batch = take(tuple(itertools.islice(rows, MANIFEST_BATCH)))
    while True:
        following: tuple[ManifestEntry, ...] = ()
        if len(batch) == MANIFEST_BATCH:
            following = take(tuple(itertools.islice(rows, MANIFEST_BATCH)))
        if not following:
            yield ManifestFound(shown, batch, tuple(listed), more)
            return
        yield ManifestFound(shown, batch, ())
        batch = following


def _looks_like_document_name(shown: str) -> bool:
    suffix = PurePosixPath(shown).suffix.lower()
    return suffix == ".pdf" or suffix in OTHER_DOCUMENT_SUFFIXES


def _classify(
    shown: str, data: bytes, limits: WalkLimits, depth: int, budget: _Budget | None = None
) -> Iterator[WalkEvent]:
    """Decide from content (and, for non-PDFs, the name) what one file is."""
    name = PurePosixPath(shown.rsplit("!/", 1)[-1]).name
    suffix = PurePosixPath(name).suffix.lower()
    if looks_like_edxml(data):
        # Before the PDF test: a package is XML whose root is edXML, even if a text in it says %PDF-.
        yield from walk_edxml(shown, data, limits)
    elif _pdf_by_content(data, suffix):
        yield Candidate(shown, data)
    elif suffix == ".pdf":
        # Named as a PDF, so the archive presents it as a document: audit it, do not open it as a ZIP.
        yield Candidate(shown, data, f"not a PDF: named .pdf but the content is {_describe(data)}")
    elif data[:4] in ZIP_MAGICS and suffix not in OFFICE_ZIP_SUFFIXES:
        yield from _walk_zip(shown, data, limits, depth + 1, budget)
    elif is_document_csv(name, data, dict(limits.columns)):
        yield from _manifest_batches(shown, data, name, limits)
    elif suffix in OTHER_DOCUMENT_SUFFIXES:
        kind = OTHER_DOCUMENT_SUFFIXES[suffix]
        yield Candidate(shown, data, f"not a PDF: {kind}; only PDF signatures can be validated")
    else:
        yield Skipped(shown, f"not a document ({_describe(data)})")


def _parent(shown: str) -> str:
    if "/" not in shown:
        return ""
    return shown.rsplit("/", 1)[0]


def _describe(data: bytes) -> str:
    if not data:
        return "empty"
    if data[:4] in ZIP_MAGICS:
        return "a ZIP container"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "an OLE2 (old Office) file"
    if data[:5] == b"<?xml" or (data[:3] == b"\xef\xbb\xbf" and data[3:8] == b"<?xml"):
        return "XML"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "a PNG image"
    if data[:3] == b"\xff\xd8\xff":
        return "a JPEG image"
    sample = data[:512]
    if all(32 <= b < 127 or b in (9, 10, 13) or b >= 0x80 for b in sample):
        return "text"
    return "binary data of unknown type"


def walk_edxml(shown: str, data: bytes, limits: WalkLimits) -> Iterator[WalkEvent]:
    """An edXML package's walk events (``shown``: its path as reported): one document per attachment,
    attributed to the package's sender. Public so that one package's events can be checked alone."""
    package = read_package(data, limits)
    if not package.parsed:
        yield Skipped(shown, f"edXML package not read: {'; '.join(package.problems)}")
        return
    status = package.status
    if status is not None and status.document_id and status.code:
        reporter = status.organ.organ_id or status.organ.name if status.organ else None
        event = StatusEvent(status.code, status.meaning, reporter, f"edxml:{shown}")
        yield StatusFound(shown, status.document_id, event)
    paths = [f"{shown}!/{a.index}-{a.safe_name}" for a in package.attachments]
    sender = package.sender
    meta = _package_meta(package)
    entries = tuple(
        ManifestEntry(
            path=path,
            agency_code=sender.organ_id if sender else None,
            agency_name=sender.name if sender else None,
            level=None,  # the package does not say; the registry fills it from the code
            meta=meta,
        )
        for path in paths
    )
    if entries or package.problems:
        yield ManifestFound(shown, entries, package.problems)
    if not package.attachments:
        what = "status message" if package.status else "edXML package"
        yield Skipped(shown, f"{what} without attachments; no document to audit")
        return
    for attachment, path in zip(package.attachments, paths, strict=True):
        if attachment.data is None:
            yield Candidate(path, None, f"edXML attachment not read: {attachment.problem}")
        elif PDF_MAGIC in attachment.data[:PDF_SNIFF_BYTES]:
            yield Candidate(path, attachment.data)
        else:
            # Attachments are documents whatever their format, as other-format files are (see above).
            kind = _describe(attachment.data)
            yield Candidate(path, attachment.data, f"not a PDF: edXML attachment is {kind}")


def _package_meta(package: EdxmlPackage) -> DocumentMeta:
    return DocumentMeta(
        source="edxml",
        direction=Direction.UNKNOWN,
        date=package.promulgation_date,
        number=package.code_number,
        notation=package.code_notation,
        recipients=tuple(Party(r.organ_id, r.name) for r in package.recipients),
        business=package.business_type,
        document_id=package.document_id,
        document_type=package.document_type,
        subject=package.subject,
    )


class _Budget:
    """Uncompressed bytes one top-level ZIP may still have inflated, its nested ZIPs included."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.left = total


def _walk_zip(
    shown: str, data: bytes, limits: WalkLimits, depth: int, budget: _Budget | None = None
) -> Iterator[WalkEvent]:
    if depth > limits.max_zip_depth:
        yield Skipped(shown, f"ZIP nested deeper than {limits.max_zip_depth} levels; not opened")
        return
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        yield Skipped(shown, f"corrupt ZIP: {exc}")
        return
    if len(infos) > limits.max_zip_members:
        yield Skipped(shown, f"ZIP holds {len(infos)} members, over the limit {limits.max_zip_members}")
        return
    overlap = _overlapping_entries(data, infos)
    if overlap is not None:
        yield Skipped(shown, overlap)
        return
    budget = budget or _Budget(limits.max_zip_total_bytes)
    members = [i for i in infos if not i.is_dir()]
    members.sort(key=lambda i: (not i.filename.lower().endswith(".csv"), i.filename))
    with archive:
        for info in members:
            # Member names are shown, never used as paths on disk, so ".." or "/x" cannot escape.
            name, escaped = _member_name(info)
            member = name.lstrip("/")
            child = f"{shown}!/{member}"
            if escaped:
                yield Notice(child, f"ZIP member {NOT_UTF8_NAME}")
            problem = _member_problem(info, limits)
            if problem is None and info.file_size > budget.left:
                problem = f"ZIP holds more than {budget.total} uncompressed bytes; member not read"
            if problem:
                yield from _classify_unreadable(child, problem)
                continue
            try:
                with archive.open(info) as handle:
                    content = handle.read(min(limits.max_file_bytes, budget.left) + 1)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
                yield from _classify_unreadable(child, f"cannot read ZIP member: {exc}")
                continue
            except NotImplementedError as exc:
                yield from _classify_unreadable(child, f"unsupported ZIP compression: {exc}")
                continue
            budget.left -= len(content)
            if len(content) > limits.max_file_bytes:
                yield from _classify_unreadable(child, "ZIP member too large (limit exceeded)")
                continue
            if budget.left < 0:  # the member inflated to more than its header said
                yield from _classify_unreadable(
                    child, f"ZIP holds more than {budget.total} uncompressed bytes; member not read"
                )
                continue
            yield from _classify(child, content, limits, depth, budget)


def _member_name(info: zipfile.ZipInfo) -> tuple[str, bool]:
    """A member's name with Windows separators made ``/``, and whether it had to be escaped. zipfile
    decodes a name without the UTF-8 flag as CP437, which never fails but turns the UTF-8 or
    Windows-1258 names Vietnamese tools write into nonsense: such a name's bytes are read as UTF-8
    when they are, else shown escaped."""
    if info.flag_bits & 0x800 or info.filename.isascii():
        return info.filename.replace("\\", "/"), False
    try:
        raw = info.filename.encode("cp437").replace(b"\\", b"/")  # the name's bytes, as stored
    except UnicodeEncodeError:  # pragma: no cover - zipfile was told another encoding
        return info.filename.replace("\\", "/"), False
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), True


_LOCAL_HEADER = 30  # bytes of a local file header before its name and extra field


def _overlapping_entries(data: bytes, infos: list[zipfile.ZipInfo]) -> str | None:
    """Why the archive is refused when two central-directory entries share bytes (each entry's local
    header and compressed data, [header offset, end of data)): the "better zip bomb" (Fifield, 2019)
    points many entries at one deflate stream, each inflating to hundreds of MiB under a modest ratio.
    No archive a tool writes shares bytes between entries. None when the entries are disjoint."""
    spans = []
    for info in infos:
        start = info.header_offset
        head = data[start : start + _LOCAL_HEADER]
        if len(head) == _LOCAL_HEADER and head[:4] == b"PK\x03\x04":
            extra = int.from_bytes(head[26:28], "little") + int.from_bytes(head[28:30], "little")
        else:  # a damaged header: reading the member reports it; count the central directory's name
            extra = len(info.orig_filename.encode("utf-8", "surrogateescape"))
        spans.append((start, start + _LOCAL_HEADER + extra + info.compress_size, info.orig_filename))
    spans.sort()
    for (_, end, first), (start, _, second) in itertools.pairwise(spans):
        if start < end:
            return (
                f"ZIP entries overlap ({first!r} and {second!r} share bytes): a zip bomb built from "
                "shared data; not opened"
            )
    return None


def _member_problem(info: zipfile.ZipInfo, limits: WalkLimits) -> str | None:
    if info.flag_bits & 0x1:
        return "encrypted ZIP member"
    if info.file_size > limits.max_file_bytes:
        return f"ZIP member too large ({info.file_size} bytes)"
    if info.compress_size and info.file_size > 10 * 1024 * 1024:
        ratio = info.file_size / info.compress_size
        if ratio > limits.max_zip_ratio:
            return f"ZIP member looks like a decompression bomb (ratio {ratio:.0f}:1)"
    return None
