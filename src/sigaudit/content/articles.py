"""What a decision's article charges, for a ``Nơi nhận`` entry "Như Điều 3" (pure functions).

A decision's recipient list often says only "Như Điều 3" ("as Article 3"): the bodies that article
charges with carrying it out. Its closing article reads "Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc
các Sở, ban, ngành, Chủ tịch UBND các huyện và các cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành
Quyết định này." For a one- or two-page decision the article is on the first or the last page, the
pages read.

- **The article** is found as a line opening with "Điều N." (or "Điều N:") on the pages read, and ends
  at the next such line or the ``Nơi nhận`` list. Not found: nothing is recorded, and the entry stays a
  recipient as written.
- **Who it charges** is the sentence ending at "chịu trách nhiệm (thi hành …)", "thi hành Quyết định
  này" or "căn cứ Quyết định thi hành" (line breaks, case and accents tolerated); a sentence before it in
  the article ("Quyết định có hiệu lực kể từ ngày ký.") is not part of it. No such ending: nothing is
  recorded (the article says no one is charged in a way read here).
- **The names** are split at ",", ";" and " và " where a new name starts (a position title, a word
  opening an agency's name, a person, "các cơ quan/đơn vị/tổ chức"), so "Văn phòng HĐND và UBND xã" and
  "Thủ trưởng các phòng, đơn vị thuộc Sở" stay one name each; position titles are taken off
  (:data:`sigaudit.text.POSITION_TITLE`: "Chánh Văn phòng Sở" → "Văn phòng Sở", "Trưởng phòng Nội vụ"
  → "Phòng Nội vụ", "Chủ tịch UBND các huyện" → "UBND các huyện").
- **Persons** ("ông/bà …", "(các) cá nhân, cán bộ, công chức, viên chức …", "người …", "… có tên tại
  Điều 1", a title alone) are left out, listed apart: a person receives a decision as a member of a body.
- **Catch-alls** ("các cơ quan, đơn vị có liên quan") are kept as bodies: they say that other bodies
  carry it out without naming them, as the same words do in a ``Nơi nhận`` list, where they are a
  recipient of unknown level; dropping them would make such a decision ``internal`` and leave it out of
  the KPI unseen.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ..model import ArticleRecipients
from ..text import POSITION_TITLE, titles_end
from .fold import folded

__all__ = ["article_numbers", "charged_by_articles", "read_article"]

_ENTRY = re.compile(r"^nhu\s+dieu\s+(\d{1,3}(?:\s*(?:,|;|va)\s*\d{1,3})*)\s*$")
_END_OF_CHARGE = re.compile(
    r"chiu\s+trach\s+nhiem\b|can\s+cu\s+quyet\s+dinh\s+(?:nay\s+)?(?:de\s+)?thi\s+hanh|thi\s+hanh\s+quyet\s+dinh\s+nay"
)
# Where a sentence before the charge ends: a period (not of an abbreviation such as "TP." or "Q.").
_SENTENCE_END = re.compile(r"(\w*)\.\s+")
_ABBREVIATED = frozenset({"tp", "tx", "tt", "q", "p", "x", "h"})
# Words that open a new name after ",", ";" or " và ": an agency, a person, a catch-all.
_AGENCY_WORD = (
    r"(?:so|bo|ban|ubnd|uy\s+ban|hdnd|hoi\s+dong|van\s+phong|phong|cong\s+an|kho\s+bac|thanh\s+tra|chi\s+cuc"
    r"|cuc|toa\s+an|vien\s+kiem\s+sat|trung\s+tam|tinh\s+uy|huyen\s+uy|dang\s+uy|mat\s+tran|bao|dai|truong)"
    r"\s+\w"
)
_PERSON = (
    r"(?:cac\s+)?(?:ong|ba|ca\s+nhan|can\s+bo|cong\s+chuc|vien\s+chuc|nguoi|dong\s+chi|thanh\s+vien"
    r"|to\s+truong)\b"
)
_CATCH_ALL = r"cac\s+(?:co\s+quan|don\s+vi|to\s+chuc|dia\s+phuong|nganh)\b"
_NAME_START = rf"(?:{POSITION_TITLE.pattern}|(?:cac\s+)?{_AGENCY_WORD}|{_PERSON}|{_CATCH_ALL})"
_SPLIT = re.compile(
    rf"\s*[,;]\s*(?:va\s+)?(?={_NAME_START})|(?<!hdnd)(?<!hoi dong nhan dan)\s+va\s+(?={_NAME_START})"
)
_IS_PERSON = re.compile(rf"^{_PERSON}|\bco\s+ten\s+(?:tai|o|trong)\b")
_LIMIT = 1500  # characters of one article looked at: a closing article is a sentence or two


def article_numbers(entry: str) -> tuple[int, ...] | None:
    """(3,) for "Như Điều 3", (2, 3) for "Như Điều 2, 3" or "Như điều 2 và 3"; None for another entry."""
    found = _ENTRY.match(folded(unicodedata.normalize("NFC", entry)).strip(" .;"))
    if found is None:
        return None
    return tuple(dict.fromkeys(int(n) for n in re.findall(r"\d+", found.group(1))))


def read_article(lines: Sequence[str], number: int) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(bodies, persons) Article ``number`` charges on these lines; None when the article or its charge
    is not there (module text)."""
    text = unicodedata.normalize("NFC", "\n".join(lines))
    low = folded(text)
    start = re.search(rf"(?:^|\n)[ \t]*dieu\s+{number}\s*[.:]", low)
    if start is None:
        return None
    end = re.search(r"\n[ \t]*(?:dieu\s+\d+\s*[.:]|noi\s+nhan)", low[start.end() :])
    stop = start.end() + min(end.start() if end else len(low), _LIMIT)
    charge = _END_OF_CHARGE.search(low, start.end(), stop)
    if charge is None:
        return None
    begin = start.end()
    for sentence in _SENTENCE_END.finditer(low, begin, charge.start()):
        if sentence.group(1) not in _ABBREVIATED:
            begin = sentence.end()
    clause = " ".join(text[begin : charge.start()].split())
    clause_low = " ".join(low[begin : charge.start()].split())
    bodies: list[str] = []
    persons: list[str] = []
    at = 0
    for cut in [*_SPLIT.finditer(clause_low), None]:
        until = len(clause) if cut is None else cut.start()
        piece, piece_low = clause[at:until], clause_low[at:until]
        at = until if cut is None else cut.end()
        name, name_low = _without_titles(piece.strip(" ,;."), piece_low.strip(" ,;."))
        if not name or _IS_PERSON.search(name_low):
            if piece.strip(" ,;."):
                persons.append(piece.strip(" ,;."))
            continue
        bodies.append(name[:1].upper() + name[1:])
    return tuple(dict.fromkeys(bodies)), tuple(dict.fromkeys(persons))


def _without_titles(name: str, low: str) -> tuple[str, str]:
    at = titles_end(low)
    return name[at:].strip(" ,;."), low[at:].strip(" ,;.")


def charged_by_articles(
    recipients: Sequence[str], pages: Sequence[Sequence[str]]
) -> tuple[ArticleRecipients, ...]:
    """Each "Như Điều N" recipient with what its articles charge, when all of them are on the ``pages``
    read (each page's lines)."""
    found: list[ArticleRecipients] = []
    lines: list[str] = []
    articles: dict[int, tuple[tuple[str, ...], tuple[str, ...]] | None] = {}  # each read once
    for entry in recipients:
        numbers = article_numbers(entry)
        if not numbers:
            continue
        lines = lines or [line for page in pages for line in page]
        for n in numbers:
            if n not in articles:
                articles[n] = read_article(lines, n)
        read = [r for n in numbers if (r := articles[n]) is not None]
        if len(read) < len(numbers):
            continue
        bodies = tuple(dict.fromkeys(b for r in read for b in r[0]))
        persons = tuple(dict.fromkeys(p for r in read for p in r[1]))
        found.append(ArticleRecipients(entry, numbers, bodies, persons))
    return tuple(found)
