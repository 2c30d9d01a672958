"""Name rules: an agency's level read from its name, when the registry does not know the agency.

docs/regulations.md: "Sở …", "Văn phòng UBND tỉnh …" → province; "UBND huyện/thị xã/thành phố …" → district;
"UBND xã/phường/thị trấn …" → commune; nothing matching → unknown, never a guess. Names are compared
after :func:`name_key` (no case, accents or punctuation; UBND, HĐND, TP… written out).

Two cases need care, and each is decided by the rule's words rather than left to chance:

- "UBND thành phố Hà Nội" is a province (the centrally run cities), "UBND thành phố Việt Trì" a district;
- from 2025-07-01 local government has two levels: a district-level name on a document dated on or
  after that day matches no level (``unknown``, with the reason), since no district level exists then.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..model import Level
from ..text import name_key, titles_end

__all__ = ["TWO_TIER_FROM", "NameMatch", "is_own_body", "level_from_name", "level_of_group", "without_titles"]

TWO_TIER_FROM = date(2025, 7, 1)  # Resolution 202/2025/QH15: no district level from this day

# The cities run by the centre, whose People's Committee is a province-level body.
_CENTRAL_CITIES = ("ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue")

_COUNCIL = r"(?:van phong )?(?:uy ban nhan dan|hoi dong nhan dan)"


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    level: Level
    words: str  # how the rule reads, for the report


def _rule(pattern: str, level: Level, words: str) -> _Rule:
    return _Rule(re.compile(pattern), level, words)


# Checked in order; the first match decides. Patterns read name_key() text from its start.
_RULES = (
    _rule(r"^bo chi huy ", Level.UNKNOWN, "a military command (its level is not in the name)"),
    _rule(
        rf"^{_COUNCIL} thanh pho (?:{'|'.join(_CENTRAL_CITIES)})\b",
        Level.PROVINCE,
        "People's Committee/Council of a centrally run city",
    ),
    _rule(rf"^{_COUNCIL} (?:xa|phuong|thi tran|dac khu) ", Level.COMMUNE, "UBND/HĐND xã, phường, thị trấn"),
    _rule(
        rf"^{_COUNCIL} (?:huyen|quan|thi xa|thanh pho) ",
        Level.DISTRICT,
        "UBND/HĐND huyện, quận, thị xã, thành phố",
    ),
    _rule(rf"^{_COUNCIL} tinh ", Level.PROVINCE, "UBND/HĐND tỉnh"),
    _rule(r"^so ", Level.PROVINCE, "Sở … (a provincial department)"),
    _rule(
        r"^phong .+ (?:huyen|quan|thi xa) ", Level.DISTRICT, "Phòng … huyện/quận/thị xã (a district office)"
    ),
    _rule(r"^(?:bo|van phong chinh phu) ", Level.CENTRAL, "Bộ … / Văn phòng Chính phủ"),
)

# Groups a recipient list names instead of each agency ("UBND các huyện, thành, thị"): every agency of
# one level, so a document sent to one is sent to other agencies of that level. Read for recipients
# only: a group never issues a document.
_GROUPS = (
    _rule(
        rf"^(?:{_COUNCIL} )?cac (?:xa|phuong|thi tran|dac khu) ",
        Level.COMMUNE,
        "group 'UBND các xã, phường, thị trấn' (the communes)",
    ),
    _rule(
        rf"^(?:{_COUNCIL} )?cac (?:huyen|quan|thi xa|thanh pho|thanh|thi) ",
        Level.DISTRICT,
        "group 'UBND các huyện, quận, thị xã, thành phố' (the districts)",
    ),
    _rule(r"^cac so ", Level.PROVINCE, "group 'các sở, ban, ngành' (the provincial departments)"),
    _rule(r"^cac bo ", Level.CENTRAL, "group 'các Bộ, cơ quan ngang Bộ' (the ministries)"),
)


@dataclass(frozen=True)
class NameMatch:
    """The level a name rule gives, and the rule in words (also when the answer is ``unknown``)."""

    level: Level
    basis: str


def level_from_name(name: str | None, on: date | None) -> NameMatch | None:
    """The level the name rules give ``name`` on the day ``on``; None when no rule matches."""
    return _match(_RULES, name, on)


def level_of_group(name: str | None, on: date | None) -> NameMatch | None:
    """The level of the agencies a recipient group names ("UBND các huyện, thành, thị": district; "Các
    sở, ban, ngành": province) on the day ``on``; None when ``name`` is not such a group."""
    return _match(_GROUPS, name, on)


def _match(rules: tuple[_Rule, ...], name: str | None, on: date | None) -> NameMatch | None:
    if not name:
        return None
    key = name_key(name) + " "
    for rule in rules:
        if not rule.pattern.search(key):
            continue
        if rule.level == Level.DISTRICT and on is not None and on >= TWO_TIER_FROM:
            return NameMatch(
                Level.UNKNOWN,
                f"name rule '{rule.words}' gives district, but no district level exists on {on.isoformat()} "
                f"(two-tier local government from {TWO_TIER_FROM.isoformat()})",
            )
        return NameMatch(rule.level, f"name rule '{rule.words}'")
    return None


# The issuer's own bodies, told from its name (both as name_key text): a People's Committee or Council
# with its unit and place, and its office; a provincial department (Sở) with its name and place.
_UNITS = r"tinh|thanh pho|huyen|quan|thi xa|xa|phuong|thi tran|dac khu"
_BODY = r"uy ban nhan dan|hoi dong nhan dan"
_LOCAL = re.compile(rf"^(van phong )?((?:{_BODY})(?: va (?:{_BODY}))?) ({_UNITS})(?: (.+))?$")
# A commune's office is its staff (công chức Văn phòng - Thống kê), not an agency of its own, until the
# two-tier reform (2025-07-01) made the new commune's Văn phòng HĐND và UBND a specialised agency; a
# district's or province's Văn phòng UBND is a specialised agency with its own seal and code, as a Sở is.
_COMMUNE_UNITS = ("xa", "phuong", "thi tran", "dac khu")
_DEPARTMENT = re.compile(r"^so (.+?)(?: (tinh|thanh pho) (.+))?$")
_DEPARTMENT_UNIT = re.compile(r"^(?:(?:van phong|thanh tra) so|.+ thuoc so)(?: (.+))?$")


def without_titles(key: str) -> str:
    """A name_key without the position titles before the body's name ("chu tich cac pct uy ban nhan dan
    tinh" → "uy ban nhan dan tinh"; :data:`sigaudit.text.POSITION_TITLE`)."""
    return key[titles_end(key) :].strip()


def is_own_body(name: str, issuer: Sequence[str], on: date | None = None) -> bool:
    """Whether the recipient ``name`` is the issuer itself or one of its own units, the issuer being
    named by any of ``issuer`` (its registry or certificate name, its header). Position titles before
    the name are left aside ("Chủ tịch, các PCT UBND tỉnh" names UBND tỉnh), and a name without its
    place is the issuer's when the rest is ("UBND tỉnh" from UBND tỉnh Phú Thọ):

    - UBND/HĐND (unit) (place): the issuer when the body and unit are the issuer's and the place is the
      issuer's or none; for a commune (xã, phường, thị trấn, đặc khu) on a document dated before
      2025-07-01 (or undated), its office too: "Văn phòng" of that body, or the joint "Văn phòng HĐND
      và UBND" (unit) (place) — "Văn phòng UBND xã", "Văn phòng HĐND và UBND xã" from UBND xã Sơn Vi (a
      district's or province's Văn phòng UBND is an agency; from 2025-07-01 the two-tier commune's
      Văn phòng HĐND và UBND is one of its specialised agencies, Decree 150/2025/NĐ-CP, so another body);
    - Sở (name) (place): the issuer when the name is the issuer's and the place the issuer's or none;
      its units "Văn phòng Sở", "Thanh tra Sở", "… thuộc Sở" ("Các phòng, đơn vị thuộc Sở"), with the
      department's name and place or without them.

    Not the issuer's: a place differing from the issuer's ("UBND xã Gia Cẩm" from UBND xã Sơn Vi),
    another body of the same place ("HĐND xã"; "Văn phòng UBND tỉnh" from UBND tỉnh), a name with a
    place when the issuer's place is unknown ("SỞ NỘI VỤ" alone)."""
    key = without_titles(name_key(name))
    if not key:
        return False
    own = [name_key(n) for n in issuer if n]
    office = on is None or on < TWO_TIER_FROM  # a commune's office is its own staff, not an agency
    return any(key == k or _own_local(key, k, office) or _own_department(key, k) for k in own)


def _own_local(key: str, issuer: str, commune_office: bool = True) -> bool:
    mine, theirs = _LOCAL.match(issuer), _LOCAL.match(key)
    if mine is None or theirs is None or " va " in mine.group(2):
        return False
    if theirs.group(3) != mine.group(3) or theirs.group(4) not in (None, mine.group(4)):
        return False
    itself = bool(theirs.group(1)) == bool(mine.group(1)) and theirs.group(2) == mine.group(2)
    its_office = (
        not mine.group(1) and bool(theirs.group(1)) and mine.group(2) in theirs.group(2).split(" va ")
    )
    return itself or (its_office and commune_office and mine.group(3) in _COMMUNE_UNITS)


def _own_department(key: str, issuer: str) -> bool:
    mine = _DEPARTMENT.match(issuer)
    if mine is None:
        return False
    unit = _DEPARTMENT_UNIT.match(key)
    if unit is not None:
        key = f"so {unit.group(1)}" if unit.group(1) else ""
        if not key:
            return True  # "Văn phòng Sở", "các phòng, đơn vị thuộc Sở": the department writing
    theirs = _DEPARTMENT.match(key)
    if theirs is None or theirs.group(1) != mine.group(1):
        return False
    return theirs.group(3) is None or theirs.group(2, 3) == mine.group(2, 3)
