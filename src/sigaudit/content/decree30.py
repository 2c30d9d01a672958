"""The Decree 30 fields of a document, read from its first and last pages' text (pure functions).

Decree 30/2020/NĐ-CP Appendix I fixes where each element stands: top left the parent body and the
issuing agency, under them ``Số: 12/UBND-VP``; top right the national motto, under it the place and
date ("Phú Thọ, ngày 12 tháng 3 năm 2024"); then the kind ("QUYẾT ĐỊNH") and subject (or, for an
official letter, "V/v …" under the number); at the end the ``Nơi nhận:`` list on the left and the
signing block (TM./KT./TL./TUQ./Q.) on the right.

Matching is done on folded text (no case or accents, NFC and NFD alike) of the same length as the
text, so what is kept is the document's own spelling. Line breaks inside a name or a date are
tolerated; text typed in TCVN3 (ABC) fonts arrives converted (pages.py, tcvn3.py), and a "Sè:" left
unconverted still reads as "Số:". Whatever is not found is None: nothing is guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import date

from ..model import TextMeta, TextStatus
from .articles import charged_by_articles
from .fold import folded
from .pages import Page

_MOTTO = ("cong hoa xa hoi chu nghia viet nam", "doc lap - tu do - hanh phuc", "doc lap – tu do – hanh phuc")

# The kinds of administrative document (Decree 30 Art. 7), as headings.
_KINDS = (
    "nghi quyet", "quyet dinh", "chi thi", "quy che", "quy dinh", "thong bao", "huong dan",
    "chuong trinh", "ke hoach", "phuong an", "de an", "du an", "bao cao", "bien ban", "to trinh",
    "hop dong", "cong dien", "ban ghi nho", "ban thoa thuan", "giay uy quyen", "giay moi",
    "giay gioi thieu", "giay nghi phep", "phieu gui", "phieu chuyen", "phieu bao", "thu cong", "cong van",
)  # fmt: skip

_NUMBER = re.compile(r"(?:^|[\s(])s[oe]\s*:\s*(\d+[a-z]?)?\s*/\s*([a-z0-9đ]+(?:\s*[-./]\s*[a-z0-9đ]+)*)")
_DATE = re.compile(r"([^\n,]{2,40}?)\s*,\s*ngay\s*(\d{1,2})?\s*thang\s*(\d{1,2})?\s*nam\s*(\d{4})")
_SIGNING = re.compile(r"^(?:tm|kt|tl|tuq|q|tq)\s*\.\s*\S")
# A list entry's bullet: typed ("-", "–", "+") or Word's list bullets, which PDFium reads as "•", "●",
# "▪", "◦" or, from the Symbol and Wingdings fonts, as private-use characters (U+F0B7 for Symbol's "•").
_BULLET = re.compile(r"^[-–—+•●▪◦‣∙·\uf000-\uf0ff]\s*")
# A recipient's note on what it is sent for: "(để phối hợp)", "(t/h)", "(đ/b)", "(biết)" (folded text).
_NOTE = re.compile(r"\s*\((?:de [^()]*|[a-z]/[a-z]|biet|thuc hien|phoi hop|chi dao|theo doi)\)")
_PARENT_START = re.compile(r"^(?:uy ban nhan dan|ubnd|hoi dong nhan dan|hdnd|bo|tinh|thanh pho) \S")


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).strip(" ;,.:-–")


def parse(first: Page, last: Page | None = None, page_count: int = 1) -> TextMeta:
    """The Decree 30 fields of a document from its first page and, when it has another, its last."""
    last = last or first
    parent, agency = header(first.left)
    number, notation = number_notation(first.left) or number_notation(first.lines) or (None, None)
    place, day = place_date(first.right) or place_date(first.lines) or (None, None)
    kind, subject = kind_subject(first)
    recipients, upward, file_copy, found = recipient_list(last.left or last.lines, addressees(first.lines))
    articles = charged_by_articles(
        recipients, (first.lines, last.lines) if last is not first else (first.lines,)
    )
    pages = tuple(sorted({first.number, last.number}))
    empty = tuple(p.number for p in {first, last} if p.empty)
    tcvn3 = tuple(sorted(p.number for p in {first, last} if p.converted))
    return TextMeta(
        status=TextStatus.READ,
        detail=f"page {empty[0]} has no text layer" if empty else "",
        page_count=page_count,
        pages=pages,
        empty_pages=empty,
        tcvn3_pages=tcvn3,
        parent=parent,
        agency=agency,
        number=number,
        notation=notation,
        place=place,
        date=day,
        kind=kind,
        subject=subject,
        signing=signing_block(last.right) or signing_block(last.lines) or signing_title(last.right),
        recipients=recipients,
        upward=upward,
        file_copy=file_copy,
        has_recipient_list=found,
        articles=articles,
    )


def _without_motto(line: str) -> str:
    """A header line with the national motto (printed beside it) taken out."""
    low = folded(line)
    for motto in _MOTTO:
        at = low.find(motto)
        if at >= 0:
            line, low = line[:at] + line[at + len(motto) :], low[:at] + low[at + len(motto) :]
    return line.strip()


def _nfc(lines: Sequence[str]) -> list[str]:
    return [unicodedata.normalize("NFC", line) for line in lines]


def header(left: Sequence[str]) -> tuple[str | None, str | None]:
    """(parent body, issuing agency) from the lines above ``Số:``; a name may run over two lines.

    The first line is the parent body when it is a complete name of one ("UBND TỈNH PHÚ THỌ" above
    "SỞ NỘI VỤ"), not the first half of the agency's own ("ỦY BAN NHÂN DÂN" above "TỈNH PHÚ THỌ")."""
    left = _nfc(left)
    lines: list[str] = []
    for line in left[:8]:
        if _NUMBER.search(folded(line)) or _DATE.search(folded(line)):
            break
        text = _without_motto(line)
        if re.search(r"\w", text) and not re.fullmatch(r"[\W_]+", text):
            lines.append(_clean(text))
    lines = [line for line in lines if line]
    if not lines:
        return None, None
    if len(lines) >= 2 and _PARENT_START.match(folded(lines[0])):
        return lines[0], " ".join(lines[1:])
    return None, " ".join(lines)


def number_notation(lines: Sequence[str]) -> tuple[str | None, str | None] | None:
    """``Số: 12/UBND-VP`` (spaces anywhere, "Số:   /QĐ-UBND" when the number is left blank)."""
    lines = _nfc(lines)
    for line in lines:
        low = folded(line)
        found = _NUMBER.search(low)
        if found is None:
            continue
        number = found.group(1)
        start, end = found.span(2)
        notation = re.sub(r"\s+", "", line[start:end]).upper()
        return (number.upper() if number else None), notation or None
    return None


def place_date(lines: Sequence[str]) -> tuple[str | None, date | None] | None:
    """("Phú Thọ", 2024-03-12) from "Phú Thọ, ngày 12 tháng 3 năm 2024", also over two lines."""
    lines = _nfc(lines)
    text = "\n".join(lines)
    low = folded(text)
    for found in _DATE.finditer(low):
        start, end = found.span(1)
        place = text[start:end]
        number = _NUMBER.search(folded(place))  # "Số: 12/UBND-VP Phú Thọ" read as one line
        if number is not None:
            place = place[number.end() :]
        day_text, month_text, year_text = found.group(2, 3, 4)
        day = None
        if day_text and month_text:
            try:
                day = date(int(year_text), int(month_text), int(day_text))
            except ValueError:
                day = None
        return _clean(place) or None, day
    return None


def kind_subject(page: Page) -> tuple[str | None, str | None]:
    """The kind heading and the subject under it; an official letter (no heading, or "CÔNG VĂN") has
    its "V/v …" subject under the number instead."""
    lines = _nfc(page.lines)
    kind = subject = None
    for i, line in enumerate(lines[:25]):
        if folded(line).strip() in _KINDS and line.upper() == line:
            kind, subject = line.strip().capitalize(), _subject_after(lines[i + 1 : i + 4])
            break
    for i, line in enumerate(lines[:25]):
        at = folded(line).find("v/v")
        if at >= 0:
            text = line[at:]
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if following[:1].islower():
                text += " " + following
            return kind or "Công văn", _clean(text)
    return kind, subject


def _subject_after(lines: Sequence[str]) -> str | None:
    if not lines or folded(lines[0]).startswith(("can cu", "kinh gui")):
        return None
    parts = [lines[0]]
    for line in lines[1:]:
        low = folded(line)
        if not line[:1].islower() or low.startswith(("can cu", "kinh gui")):
            break
        parts.append(line)
    return _clean(" ".join(parts)) or None


def signing_block(lines: Sequence[str]) -> str | None:
    """The signing authority ("TM. ỦY BAN NHÂN DÂN") and the title under it ("CHỦ TỊCH"); a block of
    two authorities keeps both and the title ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")."""
    lines = _nfc(lines)
    for i, line in enumerate(lines):
        low = folded(line).strip()
        at = max(low.find(f" {p}.") for p in ("tm", "kt", "tl", "tuq", "q"))
        if not _SIGNING.match(low) and at < 0:
            continue
        parts = [_clean(line[at + 1 :] if not _SIGNING.match(low) else line)]
        for following in lines[i + 1 : i + 3]:
            title = following.strip()
            if not title or title.upper() != title or title.startswith("-"):
                break
            parts.append(_clean(title))
            if not _SIGNING.match(folded(title)):
                break  # the title: the block ends with it
        return " / ".join(parts)
    return None


def signing_title(lines: Sequence[str]) -> str | None:
    """The signer's title when the head signs in their own name ("GIÁM ĐỐC", no TM./KT. line): the
    last upper-case line of the right column that is not the motto nor the date."""
    titles = [
        _clean(line)
        for line in _nfc(lines)
        if line.upper() == line
        and re.search(r"[^\W\d_]", line)
        and not any(m in folded(line) for m in _MOTTO)
        and len(line.split()) <= 8
    ]
    return titles[-1] if titles else None


def addressees(lines: Sequence[str]) -> tuple[str, ...]:
    """The ``Kính gửi:`` addressees of an official letter (one line, or a list of "- …" lines)."""
    lines = _nfc(lines)
    for i, line in enumerate(lines):
        low = folded(line)
        at = low.find("kinh gui")
        if at < 0:
            continue
        rest = line[at + len("kinh gui") :].lstrip(" :")
        rest = rest[bullet.end() :] if (bullet := _BULLET.match(rest)) else rest
        items = [rest] if rest else []
        for following in lines[i + 1 : i + 10]:
            bullet = _BULLET.match(following.lstrip())
            if bullet is None:
                break
            items.append(following.lstrip()[bullet.end() :])
        return tuple(x for part in items for x in _split_items(part))
    return ()


# A comma followed by one of these words and a name starts another agency ("Sở Tài chính, Sở Nội vụ");
# any other comma is inside one name or group ("UBND các huyện, thành, thị", "Các sở, ban, ngành").
_AGENCY_AFTER_COMMA = re.compile(
    r",\s*(?=(?:so|bo|ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan|van phong|phong|cong an|kho bac|thanh tra|"
    r"chi cuc|cuc|toa an|vien kiem sat|trung tam)\s+[a-z0-9])"
)


def _without_notes(entry: str) -> str:
    """The entry without the notes saying what it is sent for ("Sở Tài chính (để phối hợp)")."""
    low = folded(entry)
    for note in reversed(list(_NOTE.finditer(low))):
        entry = entry[: note.start()] + entry[note.end() :]
    return entry


def _split_items(text: str) -> list[str]:
    """The names of one entry: split at ";" and line ends, and at a comma that starts another agency."""
    parts = re.split(r"[;\n]", text)
    names = [piece for part in parts for piece in _split_at(part, _AGENCY_AFTER_COMMA.finditer(folded(part)))]
    return [c for name in names if (c := _clean(name))]


def _split_at(text: str, commas: Iterator[re.Match[str]]) -> list[str]:
    pieces, start = [], 0
    for comma in commas:
        pieces.append(text[start : comma.start()])
        start = comma.end()
    return [*pieces, text[start:]]


def recipient_list(
    lines: Sequence[str], above: Sequence[str] = ()
) -> tuple[tuple[str, ...], tuple[str, ...], str | None, bool]:
    """(recipients, those marked "(b/c)", the file-copy entry, whether a ``Nơi nhận:`` list was found).

    Entries start with "-" (or "+", or a Word list bullet: "•", Symbol's U+F0B7…) and may run over
    several lines; a note on what an entry is for ("(để phối hợp)", "(t/h)") is not part of its name;
    "Như trên" stands for the ``Kính gửi`` addressees (``above``); "Như Điều 3" stands for the bodies an
    article charges and is kept as written (:func:`parse` reads the article: articles.py).
    """
    lines = _nfc(lines)
    start = next((i for i, line in enumerate(lines) if folded(line).lstrip().startswith("noi nhan")), None)
    if start is None:
        return (), (), None, False
    first = re.sub(r"^\s*n\S*i\s+nh\S*n\s*:?", "", lines[start], flags=re.IGNORECASE)
    entries: list[str] = []
    for line in [first, *lines[start + 1 : start + 40]]:
        stripped = line.strip()
        if not stripped:
            continue
        bullet = _BULLET.match(stripped)
        low = folded(stripped)
        if _SIGNING.match(low) or (not bullet and entries and folded(entries[-1]).startswith("luu")):
            break  # the signing block, read in the same column; or past the file copy, always last
        if bullet or not entries:
            entries.append(stripped[bullet.end() :] if bullet else stripped)
        else:
            entries[-1] += " " + stripped
    recipients: list[str] = []
    upward: list[str] = []
    file_copy = None
    for entry in entries:
        low = folded(entry).strip()
        if re.match(r"^luu\b", low):
            file_copy = _clean(entry)
            continue
        if re.match(r"^nhu tren\b", low):
            recipients.extend(above or ["Như trên"])
            continue
        report = re.search(r"\((?:de )?(?:b/c|bc|bao cao)\)", low)
        for name in _split_items(_without_notes(entry[: report.start()] if report else entry)):
            recipients.append(name)
            if report:
                upward.append(name)
    unique = tuple(dict.fromkeys(recipients))
    return unique, tuple(dict.fromkeys(upward)), file_copy, True
