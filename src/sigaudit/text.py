"""Text helpers shared by the stages: how names, headings and words are compared.

Below every stage (it imports nothing of sigaudit), so sources, agencies, validation, aggregate and the
model compare text the same way without importing one another. Output escaping is not here: it depends
on the sink and lives in :mod:`sigaudit.report.escape`.

Two foldings, because two comparisons need them and a single one would change results:

- :func:`fold` also collapses runs of spaces, tabs, newlines and underscores into one space. Headings,
  level and direction words, agency names and numbers/notations are matched with it, so ``"Số  ký_hiệu"``
  and ``"so ky hieu"`` are the same heading.
- :func:`fold_keep_spaces` keeps the spacing inside the text as found. A signer certificate's common
  name is matched with it against the role prefixes (``"ubnd"``, ``"so "``…): collapsing would make
  ``"Bộ\\tTài chính"`` or ``"Trường_ABC"`` agency signers, which they are not today, and change the
  signer role, the Decree 30 pattern and the results already in a store for such certificates.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["POSITION_TITLE", "fold", "fold_keep_spaces", "name_key", "titles_end"]


def _strip_accents(text: str) -> str:
    """Lower case without Vietnamese diacritics (đ → d)."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@functools.lru_cache(maxsize=4096)  # levels, directions, headings: the same few words on every row
def fold(text: str) -> str:
    """Lower case without accents (đ → d), inner spaces and underscores collapsed: for matching names."""
    return re.sub(r"[\s_]+", " ", _strip_accents(text)).strip()


def fold_keep_spaces(text: str) -> str:
    """Lower case without accents (đ → d), ends stripped, inner spacing kept: for matching a
    certificate's common name against role prefixes (see the module text for why it differs)."""
    return _strip_accents(text).strip()


# Abbreviations written in agency names and certificates (compared after fold()).
_ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "vp": "van phong",
    "tp": "thanh pho",
    "tx": "thi xa",
    "tt": "thi tran",
}


@functools.lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """A name for comparison: folded, punctuation dropped, the usual abbreviations written out.

    Cached: the same few agency and signer names are compared for every document of an archive."""
    words = re.split(r"[^a-z0-9]+", fold(name).replace(".", " "))
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words if w)


# A position title written before a body's name, with what follows it up to the name ("Chủ tịch, các PCT
# UBND tỉnh", "Chánh Văn phòng Sở", "Trưởng phòng Nội vụ"), on lower-case text without accents: a
# :func:`name_key` or text folded character for character (punctuation kept). Matched from the start and
# again until none is left. Taken off whole: (các) (Phó) Chủ tịch, PCT, (Phó) Giám đốc, Thủ trưởng, (Phó)
# Chi cục trưởng / Cục trưởng / Hiệu trưởng, Thường trực or "TT" (name_key writes it "thi tran") before a
# council, committee or Party body. Only the title word: "Chánh" before Văn phòng / Thanh tra, "(Phó)
# Trưởng" before phòng / ban / Công an / trạm ("Trưởng phòng Nội vụ" → "phòng Nội vụ").
POSITION_TITLE = re.compile(
    r"(?:cac\s+)?(?:"
    r"(?:pho\s+)?(?:chu\s+tich|giam\s+doc|chi\s+cuc\s+truong|cuc\s+truong|hieu\s+truong)|pct|thu\s+truong"
    r"|(?:thuong\s+truc|tt|thi\s+tran)(?=\s+(?:uy\s+ban|ubnd|hoi\s+dong|hdnd|tinh\s+uy|huyen\s+uy|dang\s+uy))"
    r"|chanh(?=\s+(?:van\s+phong|thanh\s+tra))"
    r"|(?:pho\s+)?truong(?=\s+(?:phong|ban|cong\s+an|tram)\b)"
    r")(?:\s*[,;]\s*|\s+va\s+|\s+|$)"
)


def titles_end(low: str) -> int:
    """Where the position titles at the start of ``low`` (text as :data:`POSITION_TITLE` reads it) end:
    0 when it opens with none."""
    at = 0
    while (title := POSITION_TITLE.match(low, at)) is not None and title.end() > at:
        at = title.end()
    return at
