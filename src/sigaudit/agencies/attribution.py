"""Who issued a document, from every source that can say, strongest first (issue 18).

1. the stated metadata (manifest, register, edXML), with the registry by code (:func:`registry.attribute`);
   an ``unknown`` the metadata decides (a code the registry knows, but not on that day; a name whose
   rule says its level no longer exists) is kept: the later sources are for what the metadata leaves open;
2. the agency signature's certificate: its UID values as codes in the registry, then its CN as a name
   (the registry by name, then the name rules); its O names the *parent* body in Vietnamese
   certificates, so it is read only when there is no CN;
3. the document's own header as read from its first page (``TextMeta.agency``; with the parent line,
   "VĂN PHÒNG" under "UBND HUYỆN X" reads as "Văn phòng UBND huyện X", "SỞ NỘI VỤ" under "UBND TỈNH
   Y" as "Sở Nội vụ tỉnh Y"): the registry by every reading, then the name rules;
4. else ``unknown``, saying what was tried.

The registry is asked before the name rules at each step: an entry states the level (and the code)
for that very agency, a rule only reads the kind of name. The first source that gives a level decides;
when a later one gives another level, the first is kept, the basis shows both and the run warns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from ..codec import share_agency
from ..model import UNKNOWN_AGENCY, Agency, DocumentMeta, Level, Names, Party, TextMeta, TextStatus
from ..sources.manifest import ManifestEntry
from ..text import name_key
from .names import is_own_body, level_from_name, level_of_group, without_titles
from .registry import Registry, _entry_words, attribute


@dataclass(frozen=True)
class Attribution:
    """The agency a document is attributed to, and the disagreement to warn about (None: none)."""

    agency: Agency
    conflict: str | None = None


def by_name(name: str | None, on: date | None, registry: Registry, source: str, what: str) -> Agency | None:
    """An agency named ``name`` by ``what``: the registry by name, then the name rules; None when
    neither gives a level."""
    return in_registry(name, on, registry, source, what) or by_rule(name, on, source, what)


def in_registry(
    name: str | None, on: date | None, registry: Registry, source: str, what: str
) -> Agency | None:
    """The registry's entry named ``name`` on the day ``on``, as an agency; None when there is none."""
    found = registry.find_name(name, on) if name else None
    if found is None:
        return None
    words = f"{what} '{name}' is {found.name} in the {_entry_words(found, registry)}"
    return Agency(found.code, found.name, found.level, f"{source}+registry", words)


def by_rule(name: str | None, on: date | None, source: str, what: str) -> Agency | None:
    """The level the name rules give ``name``; None when none gives one."""
    rule = level_from_name(name, on)
    if name and rule is not None and rule.level != Level.UNKNOWN:
        return Agency(None, name, rule.level, source, f"{what} '{name}': {rule.basis}")
    return None


def from_certificate(
    names: Names, uids: tuple[str, ...], on: date | None, registry: Registry
) -> Agency | None:
    """The issuing agency as its agency signature's certificate names it (see the module text)."""
    for uid in uids:
        for code in dict.fromkeys((uid.split(":", 1)[-1].strip(), uid.strip())):
            found = registry.lookup(code, on=on) if code else None
            if found is not None:
                words = f"agency certificate UID {uid}: {_entry_words(found, registry)}"
                return Agency(found.code, found.name, found.level, "certificate+registry", words)
    for cn, o in names:
        name, what = (cn, "agency certificate CN") if cn else (o, "agency certificate O")
        named = by_name(name, on, registry, "certificate", what)
        if named is not None:
            return named
    return None


def from_text(text: TextMeta | None, on: date | None, registry: Registry) -> Agency | None:
    """The issuing agency as the document's header names it: the registry by every reading of the
    header, then the name rules. Under its parent body a department's name is often incomplete ("SỞ NỘI
    VỤ" under "UBND TỈNH PHÚ THỌ", "VĂN PHÒNG" under "UBND HUYỆN X"): it is also read with the parent
    ("Văn phòng UBND huyện X") and with the parent's place ("Sở Nội vụ tỉnh Phú Thọ")."""
    if text is None or not text.agency:
        return None
    readings = [text.agency]
    if text.parent:
        readings.append(f"{text.agency} {text.parent}")
        place = _place_of(text.parent)
        if place:
            readings.append(f"{text.agency} {place}")
    for name in readings:
        found = in_registry(name, on, registry, "text", "document header")
        if found is not None:
            return found
    for name in readings:
        found = by_rule(name, on, "text", "document header")
        if found is not None:
            return found
    return None


def _place_of(parent: str) -> str | None:
    """ "TỈNH PHÚ THỌ" from "UBND TỈNH PHÚ THỌ" or "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ"; None for another body."""
    words = parent.split()
    for n in (1, 4):
        if len(words) > n and name_key(" ".join(words[:n])) in ("uy ban nhan dan", "hoi dong nhan dan"):
            return " ".join(words[n:])
    return None


def attribute_document(
    entry: ManifestEntry | None,
    registry: Registry,
    certificates: Names = (),
    uids: tuple[str, ...] = (),
    text: TextMeta | None = None,
    on: date | None = None,
) -> Attribution:
    """The document's agency from the sources in order (module text), with any disagreement."""
    stated = attribute(entry, registry)
    day = (entry.meta.date if entry is not None else None) or (text.date if text else None) or on
    # The metadata's ``unknown`` is an answer when the registry knows the code but not on that day, or
    # a name rule says the level no longer exists (the 2025 reform): no weaker source replaces it.
    decisive = stated.level != Level.UNKNOWN or stated.source == "name-rule"
    decisive = decisive or bool(stated.code and registry.knows(stated.code))
    candidates = [
        stated if decisive else None,
        from_certificate(certificates, uids, day, registry),
        from_text(text, day, registry),
    ]
    found = [c for c in candidates if c is not None]
    if not found:
        return Attribution(stated if entry is not None else _nothing(certificates, text))
    chosen, others = found[0], found[1:]
    if not decisive and (stated.code or stated.name):
        # The metadata names the agency but gives no level: it keeps its identity (the sender's code
        # and name match copies and recipients), and the level comes from the next source.
        chosen = replace(
            chosen,
            code=stated.code or chosen.code,
            name=stated.name or chosen.name,
            source=f"manifest+{chosen.source}",
            basis=f"{stated.basis}; level from {chosen.basis}" if stated.basis else chosen.basis,
        )
    differing = [o for o in others if o.level != chosen.level and chosen.level != Level.UNKNOWN]
    if not differing:
        return Attribution(share_agency(chosen))
    said = "; ".join(f"{o.source} says {o.level.value} ({o.name})" for o in differing)
    kept = replace(chosen, basis=f"{chosen.basis}; {said}")
    conflict = f"level {chosen.level.value} from {chosen.source} ({chosen.name}) kept; {said}"
    return Attribution(share_agency(kept), conflict)


def _recipient(name: str, day: date | None, registry: Registry) -> Party:
    """A recipient read from the text as a party: the registry by name, then the name rules, then the
    groups, each also with the position titles before the name left aside ("Giám đốc Sở Tài chính" is
    Sở Tài chính); else another body of unknown level."""
    readings = dict.fromkeys((name, without_titles(name_key(name))))
    for reading in readings:
        found = by_name(reading, day, registry, "text", "recipient") if reading else None
        if found is not None:
            return Party(found.code, name, found.level)
    for reading in readings:
        if (group := level_of_group(reading, day)) is not None:
            return Party(None, name, group.level)
    return Party(None, name)


def _nothing(certificates: Names, text: TextMeta | None) -> Agency:
    """``unknown``, and in words what was looked at."""
    parts = ["no metadata names the agency"]
    parts.append(
        "no agency certificate" if not certificates else "the agency certificate's name matches no rule"
    )
    if text is None:
        parts.append("the text was not read")
    elif text.status != TextStatus.READ:
        parts.append(f"the text was not read ({text.status.value})")
    elif text.agency:
        parts.append(f"the header's '{text.agency}' matches no name rule")
    else:
        parts.append("the header names no agency")
    return share_agency(replace(UNKNOWN_AGENCY, basis="; ".join(parts)))


def meta_from_text(meta: DocumentMeta, text: TextMeta, issuer: Agency, registry: Registry) -> DocumentMeta:
    """The exchange metadata the document's ``Nơi nhận`` list gives, where the export gives none.

    A "Như Điều 3" entry stands for the bodies Article 3 charges when the article was read from the
    pages (``TextMeta.articles``), else it stays a recipient as written. Each recipient is resolved as a
    header is (the registry by name, then the name rules; a group such as "UBND các huyện, thành, thị"
    has the level of the agencies it names; else its level is ``unknown``, and it still is another
    body), also with the position titles before its name left aside ("Giám đốc Sở Tài chính"). An entry
    naming the issuer itself or its own units is dropped (:func:`names.is_own_body`: "Chủ tịch, các PCT
    UBND tỉnh" and "UBND tỉnh" from UBND tỉnh Phú Thọ, "Văn phòng UBND xã" from a commune, "Văn phòng
    Sở" from a Sở). A list with only the file copy ("Lưu: VT") or only the issuer's
    own bodies names the issuer as its only recipient: ``internal``. The number, notation and date fill
    only what the metadata leaves empty. The header's agency names the sender unless a stronger source
    put the issuer at another level (the header then names another body, as the run's warning says)."""
    day = meta.date or text.date
    own = [issuer.name or ""]
    header = from_text(text, day, registry)
    if text.agency and (header is None or header.level == issuer.level or issuer.level == Level.UNKNOWN):
        own.append(text.agency)  # the header names the sender (unless it names another level's)
        if text.parent and (place := _place_of(text.parent)):
            own.append(f"{text.agency} {place}")
    charged = {read.entry: read.bodies for read in text.articles}
    names = [body for name in text.recipients for body in charged.get(name, (name,))]
    parties: list[Party] = []
    for name in dict.fromkeys(names):
        if is_own_body(name, own, day):
            continue
        parties.append(_recipient(name, day, registry))
    if not parties:
        # Only the file copy: the one recipient is the issuer, named as the issuer is (the header's name
        # when the issuer has none would differ from it and make an internal note inter-agency).
        parties = [Party(issuer.code, issuer.name, issuer.level)]
    return replace(
        meta,
        source="text" if meta.source == "none" else f"{meta.source}+text",
        recipients=tuple(parties),
        date=meta.date or text.date,
        number=meta.number or text.number,
        notation=meta.notation or text.notation,
        subject=meta.subject or text.subject,
        document_type=meta.document_type or text.kind,
    )
