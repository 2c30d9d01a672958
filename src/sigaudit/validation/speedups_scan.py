"""The reverse-reference map of pyHanko's difference analysis, from the objects' raw bytes (a speed-up).

Part of the speed-ups (speedups.py installs it, with the others, only in validating processes and
only on the tested pyHanko version; ``SIGAUDIT_NO_SPEEDUPS=1`` switches it off).

``HistoricalResolver._load_reverse_xref_cache`` learns every way each object of a signed revision can
be reached from the trailer (see speedups_paths.py for the walk and its rules). pyHanko parses every
object it meets into generic objects for that — names, numbers, strings, fonts' width arrays — only to
learn which values are references. This module reads each object's body from the file's bytes (and
an object stream's objects from its decoded data, decoded once by pyHanko, as pyHanko decodes it)
with one regular expression per token, keeps only the dictionaries' keys, the arrays' indices and the
references (a *skeleton*), and walks the skeletons with the same rules as speedups_paths.py.

Correctness first: the scanner accepts only a subset of PDF syntax on which it is certain to read
what pyHanko's parser reads — the same keys, the same array indices, the same references — and
certain that pyHanko's parser would succeed. An object it is not certain of (a comment, a string
escape pyHanko refuses or may refuse, a duplicate key, a stream whose ``/Length`` is not a direct
number or whose ``endstream`` is not where the length says, a missing ``endobj``, a header the xref
does not point at exactly, nesting deeper than 32, a number over 640 characters (pyHanko's int() may
refuse it), an object-stream header that is not plain) is read by pyHanko itself
(``resolver(reference)``) and its parsed value turned into a skeleton. A file it is not certain of
as a whole — encrypted, not held in memory, a path longer than 64 elements (where
pyHanko's recursive path hashing nears Python's recursion limit), a reference that does not resolve in
strict mode, any exception at all — is mapped by speedups_paths.py's walk from the start, which
leaves pyHanko's map or raises pyHanko's error (tests/validation/test_speedups_paths.py). The map left
is ``{Reference: {RawPdfPath}}`` exactly as pyHanko's; the same tests compare it with pyHanko's own
walk. The scanner adds nothing to pyHanko's object caches (objects read later are parsed then).
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from typing import Any, NamedTuple

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.xref import ObjStreamRef

from . import speedups_paths

# A skeleton: the (key or index, child) pairs of a dictionary or array whose value can lead somewhere,
# a child being a generic.Reference or a nested skeleton. Anything else (a number, a name, a string, a
# top-level reference, null) is the empty skeleton.
Skeleton = list[tuple[Any, Any]]
_EMPTY: Skeleton = []
_MAX_NESTING = 32
# A number token longer than this is read by pyHanko: its int() raises ValueError past Python's limit on
# digits converted (sys.set_int_max_str_digits: 4300 by default, 640 at the lowest it can be set).
_LONG_NUMBER = 640

_WS = rb"[ \n\r\t\f\x00]*"  # misc.PDF_WHITESPACE; a '%' comment is never skipped here
_TOKEN = re.compile(
    _WS + rb"(?:"
    # generic.INDIRECT_PATTERN (less \v, which pyHanko's whitespace skipping does not know)
    rb"(?P<ref>([0-9]+)[ \t\n\r\f]+([0-9]+)[ \t\n\r\f]+R)(?=[^a-zA-Z])"
    rb"|(?P<num>[+\-.0-9][+,\-.0-9]*)"  # NumberObject.NumberPattern's complement
    rb"|(?P<name>/[^ \n\r\t\f\x00()<>\[\]{}/%]*)"  # up to misc's whitespace or delimiters
    rb"|(?P<dict><<)"
    rb"|(?P<enddict>>>)"
    rb"|(?P<hex><[0-9A-Fa-f \n\r\t\f\x00]*>)"
    rb"|(?P<array>\[)"
    rb"|(?P<endarray>\])"
    rb"|(?P<string>\()"
    rb"|(?P<keyword>true|false|null)"
    rb")"
)
_INTEGER = re.compile(rb"[+-]?[0-9]+")
_UNSIGNED = re.compile(rb"\+?[0-9]+")
_DECIMAL = re.compile(rb"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+)")
_PLAIN_NAME = re.compile(rb"/[!\"$-~]*")  # 0x21-0x7E less '#': decoded as it is
_OBJECT_HEADER = re.compile(rb"([0-9]+) ([0-9]+) obj")
_STREAM = re.compile(_WS + rb"stream[ \t\f\x00]*(?:\r\n|\n)")
_ENDSTREAM = re.compile(_WS + rb"endstream")
_ENDOBJ = re.compile(_WS + rb"endobj")
_AFTER_STREAM_OBJECT = re.compile(_WS + rb"[^s%]|" + _WS + rb"\Z")
_PAREN_OR_BACKSLASH = re.compile(rb"[()\\]")
_ESCAPE_OCTAL = re.compile(rb"[0-9]{1,3}")
_ESCAPE_PLAIN = frozenset(b"() /%<>[]#_&$\\nrtbf\r\n")
_OBJSTM_PAIR = re.compile(_WS + rb"([0-9]+)[ \n\r\t\f\x00]+([0-9]+)(?![+,\-.0-9])")


class Unsure(Exception):
    """The scanner is not certain to read what pyHanko reads here."""


class ScanCounts(NamedTuple):
    """What the scanner did (since the last reset), for the tests and measurements: objects read from
    their bytes, objects pyHanko had already read (its resolver's cache), objects read by pyHanko
    because the scanner was not certain of them, files mapped by the scanner and files mapped by the
    tuple walk instead."""

    scanned: int
    cached: int
    delegated: int
    files_scanned: int
    files_fallen_back: int


_counts = [0, 0, 0, 0, 0]
_counts_lock = threading.Lock()


def counts() -> ScanCounts:
    with _counts_lock:
        return ScanCounts(*_counts)


def reset_counts() -> None:
    with _counts_lock:
        _counts[:] = [0, 0, 0, 0, 0]


def load_reverse_xref_cache(self: Any) -> None:
    """Drop-in for ``HistoricalResolver._load_reverse_xref_cache`` (see the module docstring)."""
    if self._indirect_object_access_cache is not None:
        return
    try:
        scanner = _Scanner(self)
        collected = scanner.map()
    except Exception:  # Unsure, or anything pyHanko raised or would raise: its own walk decides
        with _counts_lock:
            _counts[4] += 1
        speedups_paths.load_reverse_xref_cache(self)
        return
    with _counts_lock:
        _counts[0] += scanner.scanned
        _counts[1] += scanner.cached
        _counts[2] += scanner.delegated
        _counts[3] += 1
    speedups_paths.keep_map(self, collected)


class _Scanner:
    def __init__(self, resolver: Any) -> None:
        self.resolver = resolver
        reader = resolver.reader
        try:
            reader.trailer.raw_get("/Encrypt")
        except KeyError:
            pass
        else:
            raise Unsure("encrypted")
        getvalue = getattr(reader.stream, "getvalue", None)
        if getvalue is None:
            raise Unsure("not in memory")
        self.data: bytes = getvalue()
        self.xrefs = reader.xrefs
        self.reader = reader
        self.strict = bool(reader.strict)
        self.revision = resolver.revision
        self.skeletons: dict[generic.Reference, Skeleton] = {}
        self.object_streams: dict[int, tuple[bytes, int, dict[int, tuple[int, int]]] | None] = {}
        self.names: dict[bytes, generic.NameObject] = {}
        self.scanned = 0
        self.cached = 0
        self.delegated = 0

    # -- the walk -------------------------------------------------------------------------------

    def map(self) -> defaultdict[generic.Reference, set[tuple[Any, ...]]]:
        resolver = self.resolver
        page_tree_nodes, struct_tree_nodes = speedups_paths.tree_nodes(resolver)
        collected: defaultdict[generic.Reference, set[tuple[Any, ...]]] = defaultdict(set)
        on_path: set[generic.Reference] = set()
        skeleton_of = self.skeleton

        def walk(node: Skeleton, path: tuple[Any, ...], in_struct_tree: bool) -> None:
            for step, child in node:
                if step == "/Parent" or (in_struct_tree and step == "/P"):
                    continue
                entering = in_struct_tree or (step == "/K" and path == speedups_paths.STRUCT_TREE_PATH)
                child_path = (*path, step)
                if len(child_path) > speedups_paths.LONG_PATH:
                    raise Unsure("a long path")
                if child.__class__ is list:
                    walk(child, child_path, entering)
                    continue
                if child in on_path:
                    continue
                collected[child].add(child_path)
                body = skeleton_of(child)  # read (as pyHanko's walk reads it) before the checks
                if page_tree_nodes.get(child, child_path) != child_path:
                    continue
                if not entering and child in struct_tree_nodes:
                    continue
                if body:
                    on_path.add(child)
                    walk(body, child_path, entering)
                    on_path.discard(child)

        walk(self.convert_top(resolver.trailer_view, 0), (), False)
        return collected

    # -- reading one object ---------------------------------------------------------------------

    def skeleton(self, ref: generic.Reference) -> Skeleton:
        known = self.skeletons.get(ref)
        if known is not None:
            return known
        cached = self.resolver.cache.get(ref)
        if cached is not None:
            self.cached += 1
            node = self.convert_top(cached, 0)
        else:
            marker = self.xrefs.get_historical_ref(ref, self.revision)
            try:
                if marker is None:
                    if self.strict:  # pyHanko raises
                        raise Unsure("unresolved in strict mode")
                    node = _EMPTY  # null
                elif isinstance(marker, ObjStreamRef):
                    node = self.from_object_stream(ref, marker)
                else:
                    node = self.from_file(ref, marker)
                self.scanned += 1
            except _NotCertain:
                self.delegated += 1
                node = self.convert_top(self.resolver(ref), 0)  # pyHanko reads it (or raises)
        self.skeletons[ref] = node
        return node

    def from_file(self, ref: generic.Reference, offset: int) -> Skeleton:
        data = self.data
        header = _OBJECT_HEADER.match(data, offset)
        if header is None or int(header[1]) != ref.idnum or int(header[2]) != ref.generation:
            raise _NotCertain
        token = _TOKEN.match(data, header.end())
        if token is None:
            raise _NotCertain
        node, end, length = self.top_value(token, data)
        stream = _STREAM.match(data, end)
        if stream is not None:
            if length is None or stream.end() + length > len(data):
                raise _NotCertain
            after = _ENDSTREAM.match(data, stream.end() + length)
            if after is None:
                raise _NotCertain
            end = after.end()
        if _ENDOBJ.match(data, end) is None:
            raise _NotCertain
        return node

    def from_object_stream(self, ref: generic.Reference, marker: ObjStreamRef) -> Skeleton:
        number = marker.obj_stream_id
        if number not in self.object_streams:
            self.object_streams[number] = self.object_stream(number)
        entry = self.object_streams[number]
        if entry is None or ref.generation != 0:
            raise _NotCertain
        data, count, offsets = entry
        if not 0 <= marker.ix_in_stream < count:
            raise _NotCertain
        found = offsets.get(ref.idnum)
        if found is None or (self.strict and found[0] != marker.ix_in_stream):
            raise _NotCertain
        start = found[1]
        # pyHanko's read_object does not skip whitespace here (and reads a comment as one)
        if start >= len(data) or data[start] in b" \n\r\t\f\x00%":
            raise _NotCertain
        token = _TOKEN.match(data, start)
        if token is None or token.lastgroup == "ref":  # a reference as a whole object: pyHanko's rule
            raise _NotCertain
        node, end, _ = self.top_value(token, data)
        if _AFTER_STREAM_OBJECT.match(data, end) is None:  # a stream, or a comment to skip
            raise _NotCertain
        return node

    def object_stream(self, number: int) -> tuple[bytes, int, dict[int, tuple[int, int]]] | None:
        """The decoded data of an object stream, its /N and its objects' (index, offset), read as
        pyHanko's ``_get_object_from_stream`` reads them (decoded by pyHanko, within its limits); None
        when anything about it is not plain (each of its objects is then read by pyHanko)."""
        stream = generic.Reference(number, 0, self.reader).get_object()
        if not isinstance(stream, generic.StreamObject) or stream.get("/Type") != "/ObjStm":
            return None
        count, first = stream.get("/N"), stream.get("/First")
        if type(count) is not generic.NumberObject or type(first) is not generic.NumberObject:
            return None
        data = stream.read_data(DecodePurpose.OBJECT_STREAM)
        offsets: dict[int, tuple[int, int]] = {}
        position = 0
        for index in range(count):
            pair = _OBJSTM_PAIR.match(data, position)
            if pair is None:
                return None
            offsets.setdefault(int(pair[1]), (index, first + int(pair[2])))  # the first one wins
            position = pair.end()
        return data, int(count), offsets

    def top_value(self, token: re.Match[bytes], data: bytes) -> tuple[Skeleton, int, int | None]:
        """A whole object: its skeleton, the position after it, and a dictionary's direct
        non-negative /Length (None: none, or not such a number)."""
        kind = token.lastgroup
        if kind == "dict":
            return self.dictionary(data, token.end(), 1, top=True)
        child, end = self.value(token, data, 0)
        return (child if child.__class__ is list else _EMPTY), end, None

    def value(self, token: re.Match[bytes], data: bytes, depth: int) -> tuple[Any, int]:
        """(the value ``token`` starts as a child — a Reference, a non-empty skeleton, or None for
        anything else — and the position after it)."""
        kind = token.lastgroup
        end = token.end()
        if kind == "num":
            text = token["num"]
            if _INTEGER.fullmatch(text) is None and _DECIMAL.fullmatch(text) is None:
                raise _NotCertain
            if len(text) > _LONG_NUMBER:  # pyHanko's int() may refuse it (Python's digit limit)
                raise _NotCertain
            return None, end
        if kind == "ref":
            if end - token.start("ref") + 1 > 20:  # beyond pyHanko's 20-byte look-ahead: a number there
                raise _NotCertain
            idnum = int(token[2])
            if idnum <= 0:
                raise _NotCertain
            return generic.Reference(idnum, int(token[3]), self.resolver), end
        if kind == "name":
            self.name(token["name"])
            return None, end
        if kind == "dict":
            if depth >= _MAX_NESTING:
                raise _NotCertain
            node, end, _ = self.dictionary(data, end, depth + 1, top=False)
            return node or None, end
        if kind == "array":
            if depth >= _MAX_NESTING:
                raise _NotCertain
            return self.array(data, end, depth + 1)
        if kind == "string":
            return None, _string_end(data, end)
        if kind == "hex" or kind == "keyword":
            return None, end
        raise _NotCertain  # a closing bracket where a value belongs

    def dictionary(self, data: bytes, pos: int, depth: int, top: bool) -> tuple[Skeleton, int, int | None]:
        node: Skeleton = []
        keys: set[str] = set()
        length: int | None = None
        match = _TOKEN.match
        while True:
            token = match(data, pos)
            if token is None:
                raise _NotCertain
            kind = token.lastgroup
            if kind == "enddict":
                return node, token.end(), length
            if kind != "name":
                raise _NotCertain
            key = self.name(token["name"])
            if key in keys:  # pyHanko keeps the first, or refuses in strict mode
                raise _NotCertain
            keys.add(key)
            token = match(data, token.end())
            if token is None:
                raise _NotCertain
            if top and key == "/Length" and token.lastgroup == "num":
                text = token["num"]
                if _UNSIGNED.fullmatch(text) is not None:
                    length = int(text)
            child, pos = self.value(token, data, depth)
            if child is not None:
                node.append((key, child))

    def array(self, data: bytes, pos: int, depth: int) -> tuple[Skeleton | None, int]:
        node: Skeleton = []
        index = 0
        match = _TOKEN.match
        while True:
            token = match(data, pos)
            if token is None:
                raise _NotCertain
            if token.lastgroup == "endarray":
                return node or None, token.end()
            child, pos = self.value(token, data, depth)
            if child is not None:
                node.append((index, child))
            index += 1

    def name(self, raw: bytes) -> generic.NameObject:
        known = self.names.get(raw)
        if known is None:
            if _PLAIN_NAME.fullmatch(raw) is not None:
                known = generic.NameObject(raw.decode("ascii"))
            else:
                try:
                    known = generic._decode_name(raw[1:])  # whichever is installed
                except Exception as exc:  # pyHanko refuses this name
                    raise _NotCertain from exc
            self.names[raw] = known
        return known

    # -- pyHanko's own objects ------------------------------------------------------------------

    def convert_top(self, obj: Any, depth: int) -> Skeleton:
        """The skeleton of an object pyHanko has read (the walk descends only into dictionaries and
        arrays; a top-level reference is not followed)."""
        if isinstance(obj, generic.DictionaryObject):
            items: Any = obj.items()
        elif isinstance(obj, generic.ArrayObject):
            items = enumerate(obj)
        else:
            return _EMPTY
        if depth > _MAX_NESTING:
            raise Unsure("deep")
        node: Skeleton = []
        for step, value in items:
            if isinstance(value, generic.IndirectObject):
                node.append((step, value.reference))
            elif isinstance(value, (generic.DictionaryObject, generic.ArrayObject)):
                child = self.convert_top(value, depth + 1)
                if child:
                    node.append((step, child))
            elif isinstance(value, generic.DecryptedObjectProxy):
                raise Unsure("encrypted value")
        return node


class _NotCertain(Exception):
    """This object is read by pyHanko instead."""


def _string_end(data: bytes, pos: int) -> int:
    """The position after a literal string whose opening '(' ends at ``pos``, where pyHanko's reader
    certainly reads it whole (balanced parentheses, escapes it accepts); else _NotCertain."""
    depth = 1
    find = _PAREN_OR_BACKSLASH.search
    while True:
        found = find(data, pos)
        if found is None:
            raise _NotCertain
        at = found.start()
        byte = data[at]
        if byte == 0x5C:  # '\'
            if at + 1 >= len(data):
                raise _NotCertain
            escaped = data[at + 1]
            if 0x30 <= escaped <= 0x39:  # up to three digits, read as octal: 8, 9 or > 255 raise
                digits = _ESCAPE_OCTAL.match(data, at + 1)
                assert digits is not None
                text = digits[0]
                if b"8" in text or b"9" in text or int(text, 8) > 255:
                    raise _NotCertain
                pos = digits.end()
            elif escaped in _ESCAPE_PLAIN:
                pos = at + 2
            else:
                raise _NotCertain
            continue
        depth += 1 if byte == 0x28 else -1
        pos = at + 1
        if depth == 0:
            return pos
