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
from dataclasses import dataclass
from datetime import date

from ..model import Level
from ..text import name_key

__all__ = ["TWO_TIER_FROM", "NameMatch", "level_from_name", "level_of_group"]

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
