"""The reverse-reference map of pyHanko's difference analysis, computed with less work (a speed-up).

Part of the speed-ups (speedups.py installs it, with the others, only in validating processes and
only on the tested pyHanko version; ``SIGAUDIT_NO_SPEEDUPS=1`` switches it off).

Before judging the changes after a signature, pyHanko 0.38 learns every way each object of the signed
revision can be reached from the trailer (``HistoricalResolver._load_reverse_xref_cache``): a
depth-first walk over every object, keeping, per reference, the set of paths (dictionary keys and
array indices) that lead to it. On the independently made documents of ``benchmarks/`` (ten pages,
embedded fonts, stamped signatures) that walk was ~39% of ``validate_pdf``'s CPU time. Besides
reading the objects (which stays pyHanko's own ``resolver(reference)``, so what is read, accepted and
refused is unchanged), the walk spends its time on bookkeeping:

- it calls itself for every value, numbers and names included, only to find that they lead nowhere;
- it keeps the references on the current path in a linked list (``ConsList``) and asks ``ref in
  seen_in_path`` by walking it, and it stores paths as linked lists, hashed and compared
  recursively, one Python call per element.

``load_reverse_xref_cache`` is the same algorithm with the same rules — the page tree entered only by
its canonical path, ``/Parent`` not followed, ``/P`` not followed inside the structure tree, structure
elements entered only from the structure tree, a reference not followed again along the same path —
that descends only into values that can lead somewhere (indirect references, dictionaries, arrays),
keeps the current path's references in a set and the paths as tuples. The map it leaves
(``{Reference: {RawPdfPath}}``) is the one pyHanko's walk leaves; ``tests/validation/test_speedups.py``
compares the two on the sample archive, the regression files, the attack generators' files and fuzz
mutants. The upstream write-up is in docs/upstream.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath

ORIGINAL_LOAD_REVERSE_XREF_CACHE: Any = HistoricalResolver._load_reverse_xref_cache

Path = tuple[Any, ...]
_CONTAINERS = (generic.IndirectObject, generic.DictionaryObject, generic.ArrayObject)
STRUCT_TREE_PATH: Path = ("/Root", "/StructTreeRoot")
# pyHanko hashes and compares its linked-list paths recursively, one Python frame per element, at the
# walk's depth (one frame per element too): a path of a few hundred elements exceeds Python's recursion
# limit there and the analysis fails. Paths longer than this are hashed (and compared) the same way, at
# the same depth, so such a file fails here exactly as it does in pyHanko (real documents' paths are
# under 20 elements).
LONG_PATH = 64


def load_reverse_xref_cache(self: Any) -> None:
    """Drop-in for ``HistoricalResolver._load_reverse_xref_cache`` (see the module docstring)."""
    if self._indirect_object_access_cache is not None:
        return
    page_tree_nodes, struct_tree_nodes = tree_nodes(self)
    collected: defaultdict[generic.Reference, set[Path]] = defaultdict(set)
    on_path: set[generic.Reference] = set()

    # One frame per level, as pyHanko's walk (never more: a deep file must not reach Python's
    # recursion limit here where pyHanko's walk does not).
    def walk(obj: Any, path: Path, in_struct_tree: bool) -> None:
        ref = None
        if isinstance(obj, generic.IndirectObject):
            ref = obj.reference
            if ref in on_path:
                return
            collected[ref].add(path)
            if len(path) > LONG_PATH:
                hash(_cons(path))  # raises where pyHanko's recursive hash of the path would
            obj = self(ref)
            canonical = page_tree_nodes.get(ref, path)
            if canonical != path:  # a page tree node off its canonical path
                if max(len(path), len(canonical)) > LONG_PATH:
                    _ = _cons(canonical) != _cons(path)  # raises where pyHanko's comparison would
                return
            if not in_struct_tree and ref in struct_tree_nodes:
                return
            on_path.add(ref)
        try:
            if isinstance(obj, generic.DictionaryObject):
                for key, value in obj.items():
                    if key == "/Parent" or (in_struct_tree and key == "/P"):
                        continue
                    if isinstance(value, _CONTAINERS):
                        entering = in_struct_tree or (path == STRUCT_TREE_PATH and key == "/K")
                        walk(value, (*path, key), entering)
            elif isinstance(obj, generic.ArrayObject):
                for index, value in enumerate(obj):
                    if isinstance(value, _CONTAINERS):
                        walk(value, (*path, index), in_struct_tree)
        finally:
            if ref is not None:
                on_path.discard(ref)

    walk(self.trailer_view, (), False)
    keep_map(self, collected)


def keep_map(resolver: Any, collected: Mapping[generic.Reference, Iterable[Path]]) -> None:
    """Leave a walk's map where pyHanko keeps its own: the paths to each reference, as RawPdfPaths."""
    resolver._indirect_object_access_cache = {
        ref: {RawPdfPath(*path) for path in paths} for ref, paths in collected.items()
    }


def _cons(path: Path) -> misc.ConsList[Any]:
    """``path`` as pyHanko's walk holds it (a linked list, last element first)."""
    linked: misc.ConsList[Any] = misc.ConsList.empty()
    for element in path:
        linked = linked.cons(element)
    return linked


def reverse_map(resolver: Any, walk: Any = None) -> dict[generic.Reference, set[RawPdfPath]]:
    """The reverse-reference map of ``resolver``'s revision as ``walk`` leaves it (default: this
    module's walk; ``ORIGINAL_LOAD_REVERSE_XREF_CACHE`` for pyHanko's), for the equivalence tests and
    measurements. Errors are the walk's own. Use a fresh resolver: a resolver maps only once."""
    (walk or load_reverse_xref_cache)(resolver)
    return dict(resolver._indirect_object_access_cache or {})


def tree_nodes(self: Any) -> tuple[dict[generic.Reference, Path], set[generic.Reference]]:
    """The page tree's nodes with their canonical paths and the structure tree's elements, exactly as
    pyHanko's ``_load_reverse_xref_cache`` finds them (same reads, same errors)."""
    pages_ref = self.root.raw_get("/Pages")
    pages_path: Path = ("/Root", "/Pages")
    page_tree_nodes: dict[generic.Reference, Path] = {}
    if isinstance(pages_ref, generic.IndirectObject):
        page_tree_nodes[pages_ref.reference] = pages_path
    for ref, path in _page_tree_refs(pages_ref.get_object(), pages_path):
        if ref in page_tree_nodes:
            raise misc.PdfReadError("Circular reference in page tree in mapping stage")
        page_tree_nodes[ref] = path
    struct_tree_nodes: set[generic.Reference] = set()
    try:
        struct_tree_root = self.root.raw_get("/StructTreeRoot").get_object()
        for ref in _struct_tree_refs(struct_tree_root):
            if ref in struct_tree_nodes:
                raise misc.PdfReadError("Circular reference in structure tree in mapping stage")
            struct_tree_nodes.add(ref)
    except KeyError:
        pass
    return page_tree_nodes, struct_tree_nodes


def _page_tree_refs(pages_obj: Any, path: Path) -> Iterator[tuple[generic.Reference, Path]]:
    for index, kid in enumerate(pages_obj["/Kids"]):
        kid_path = (*path, "/Kids", index)
        if isinstance(kid, generic.IndirectObject):
            yield kid.reference, kid_path
        kid = kid.get_object()
        if kid.get("/Type", None) == "/Pages":
            yield from _page_tree_refs(kid, kid_path)


def _struct_tree_refs(struct_elem: Any) -> Iterator[generic.Reference]:
    try:
        children = struct_elem["/K"]
    except KeyError:
        return
    if not isinstance(children, generic.ArrayObject):  # a single child need not be in an array
        children = (children,)
    for child in children:
        child_ref = None
        if isinstance(child, generic.IndirectObject):
            child_ref = child.reference
            child = cast(Any, child).get_object()
        if not isinstance(child, generic.DictionaryObject):  # content items
            continue
        try:
            if child["/Type"] != "/StructElem":
                continue
        except KeyError:  # /StructElem is the default
            pass
        if child_ref is not None:
            yield child_ref
        yield from _struct_tree_refs(child)
