"""Text typed in the TCVN3 (ABC) fonts read back as Unicode Vietnamese (pure functions).

Many offices still type in the ``.VnTime`` family of the TCVN 5712:1993 "VN3" (ABC) character set:
one byte per letter, the Vietnamese letters put at the code points Latin-1 gives to symbols and
Western letters. Such a font has no ToUnicode map of its own, so a PDF's text layer gives those
Latin-1 characters: "Sè: 12/UBND-VP", "Phó Thä, ngµy 12 th¸ng 3 n¨m 2024", "N¬i nhËn:".

**The table.** VN3 holds the 67 lower-case letters with marks (đ included) and the seven capitals
without a tone (Ă Â Ê Ô Ơ Ư Đ, 0xA1-0xA7); it has no code for a capital with a tone. Those are typed with the
capital font of the pair (``.VnTimeH``, "H" for *hoa*, capital), which draws the *same* code points
(the lower-case ones) as capitals: "Á" is 0xB8 like "á", only the font differs. So upper-case
``.VnTimeH`` text uses no code points of its own, and which case was shown is not in the text layer;
a converted word is put in capitals when the letters typed around it are (see :func:`decode`).
Checked against two independent sources: glibc's ``TCVN5712-1`` converter (``iconv -f TCVN5712-1``,
the VN1 superset, whose 0xA1-0xFE letters are these; it also puts capitals with tones at the codes VN3
leaves to Latin-1, which are not converted here) and the TCVN3 → Unicode table of a C# converter
(github.com/hdbd789/clinic, ``Helpers/Converter.cs``); the capital font is described by WinVNKey's
manual ("Check Capital fonts": the capital version draws the encoding's lower-case letters as
capitals). ``tests/content/test_tcvn3.py`` compares the table with glibc's converter.

**What is converted, decided per run of text.** A run is a stretch of one line in one column, as
pages.py builds it (same baseline, no wide gap). A line is too coarse: the Decree 30 layout prints
two columns on one line, and a document mixing fonts does so by block (a Unicode header from a
template, the body typed in ``.VnTime``), so the two halves of a line may differ. A word is too
fine: "Bé", "vô" or "Sè" are as plausible in either reading. A run holding any letter Latin-1 lacks
(ă đ ơ ư ạ… or a combining mark) is Unicode and never altered: TCVN3 text cannot contain one. Otherwise
each word holding a VN3 code votes: for TCVN3 when it is a Vietnamese syllable once converted and was
not before ("ngµy" → "ngày"), for Unicode in the other case ("Lê" read as-is); a French or English
name ("François", "Müller") is no syllable either way and does not vote, nor does a word with no
letter in Latin-1 (French quotes « », ©, a middle dot, ½, ¶, ª standing alone: one VN3 letter each,
"ô", "â", "ã"…, but symbols in Unicode text, where they would vote TCVN3), nor one that opens with
the micro sign (a unit: "µm" reads "àm", a syllable; VN3 words rarely open with "à"). The run goes with the
majority; a run with no majority ("Sè: 12/UBND-VP", "Bé Néi vô") goes with its page: converted when
the page's decided runs are mostly TCVN3, left as it is otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

__all__ = ["TCVN3", "convert_runs", "decode", "encode", "is_syllable"]

# TCVN 5712:1993 VN3 code point -> Unicode letter. Rows: a ă â, đ e ê, i o ô ơ, u ư y, the capitals.
_PAIRS = (
    "µà ¸á ¶ả ·ã ¹ạ  ¨ă »ằ ¾ắ ¼ẳ ½ẵ Æặ  ©â Çầ Êấ Èẩ Éẫ Ëậ "
    "®đ  Ìè Ðé Îẻ Ïẽ Ñẹ  ªê Òề Õế Óể Ôễ Öệ "
    "×ì Ýí Øỉ Üĩ Þị  ßò ãó áỏ âõ äọ  «ô åồ èố æổ çỗ éộ  ¬ơ êờ íớ ëở ìỡ îợ "
    "ïù óú ñủ òũ ôụ  \xadư õừ øứ öử ÷ữ ùự  úỳ ýý ûỷ üỹ þỵ "
    "¡Ă ¢Â £Ê ¤Ô ¥Ơ ¦Ư §Đ"
)
TCVN3: dict[str, str] = {pair[0]: pair[1] for pair in _PAIRS.split()}

_DECODE = str.maketrans(TCVN3)
# Unicode -> VN3; a capital with a tone goes to its lower-case code, as the capital font types it.
_ENCODE = str.maketrans(
    {u: t for t, u in TCVN3.items()}
    | {u.upper(): t for t, u in TCVN3.items() if u.upper() not in TCVN3.values()}
)

_HAS_VN3 = re.compile("[" + re.escape("".join(TCVN3)) + "]")
# Letters Latin-1 lacks: Vietnamese Unicode text has them, TCVN3 text never does.
_UNICODE_ONLY = re.compile("[\u0100-\u024f\u0300-\u036f\u1e00-\u1eff]")
_WORD = re.compile(r"[A-Za-z\xa1-\xff]+")
# A letter in either reading (ASCII, or Latin-1's letters À-ÿ less × and ÷): a word without one (a
# lone "«", "©", "·", "½", "¶", "ª" in Unicode text) is a symbol there and does not vote (see _vote).
_LETTER = re.compile("[A-Za-z\xc0-\xd6\xd8-\xf6\xf8-\xff]")

_TONES = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"(?:iêu|yêu|oai|oay|oeo|uây|uôi|ươi|ươu|uya|uyê|uyu"
    r"|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê"
    r"|[aăâeêioôơuưy])"
    r"(?:ch|ng|nh|[cmnpt])?"
)


def decode(text: str) -> str:
    """``text`` read as TCVN3: each VN3 code point to its letter, other characters kept.

    A word whose ASCII letters are all capitals, one of them after its first character ("THä",
    "ñY", "§ÞNH"), was drawn by the capital font and is put in capitals. A word with no ASCII letter
    but its first ("X·", "Sè") is put in capitals only beside such a word ("UBND X· S¥N VI"): a
    capital opening a word is typed the same in either font ("Sè: 12/UBND-VP" reads "Số")."""
    words: list[tuple[re.Match[str], str, bool | None]] = []
    for match in _WORD.finditer(text):
        word = match.group()
        if not _HAS_VN3.search(word):
            continue
        typed = "".join(c for c in word if c.isascii())
        capitals = None  # no ASCII letter, or only the first: capitals if its neighbours are
        if typed and not typed.isupper():
            capitals = False
        elif typed and any(c.isascii() for c in word[1:]):
            capitals = True
        words.append((match, word.translate(_DECODE), capitals))
    if not words:
        return text
    beside_capitals = any(capitals for _, _, capitals in words)
    out, at = [], 0
    for match, word, capitals in words:
        if capitals or (capitals is None and beside_capitals):
            word = word.upper()
        out += [text[at : match.start()], word]
        at = match.end()
    out.append(text[at:])
    return "".join(out)


def encode(text: str) -> str:
    """Unicode Vietnamese typed in TCVN3 (``text`` in NFC); a capital with a tone takes the code of
    its lower-case letter, as in the capital font. Letters VN3 lacks are kept."""
    return unicodedata.normalize("NFC", text).translate(_ENCODE)


@lru_cache(maxsize=4096)
def is_syllable(word: str) -> bool:
    """Whether ``word`` has the shape of one Vietnamese syllable: an initial consonant, a vowel group,
    a final consonant, and at most one tone mark (a shape check, not a dictionary)."""
    parts = unicodedata.normalize("NFD", word.lower())
    toneless = parts.translate(_TONES)
    if len(parts) - len(toneless) > 1:
        return False
    return _SYLLABLE.fullmatch(unicodedata.normalize("NFC", toneless)) is not None


def _vote(run: str) -> int:
    """> 0: the run reads as TCVN3; < 0: as Unicode; 0: either or neither."""
    if _UNICODE_ONLY.search(run):
        return -1
    vote = 0
    for found in _WORD.finditer(run):
        word = found.group()
        if not _HAS_VN3.search(word) or not _LETTER.search(word) or word[0] == "µ":
            continue
        before, after = is_syllable(word), is_syllable(word.translate(_DECODE))
        vote += int(after) - int(before)
    return vote


def convert_runs(runs: Sequence[str]) -> tuple[list[str], int]:
    """The runs of one page with those typed in TCVN3 converted, and how many were."""
    votes = [_vote(run) if max(run, default=" ") > "\xa0" else None for run in runs]
    decided_tcvn3 = sum(1 for v in votes if v is not None and v > 0)
    if not decided_tcvn3:
        return list(runs), 0
    decided_unicode = sum(1 for v in votes if v is not None and v < 0)
    undecided_too = decided_tcvn3 > decided_unicode
    out, converted = [], 0
    for run, vote in zip(runs, votes, strict=True):
        if vote is not None and _HAS_VN3.search(run) and (vote > 0 or (vote == 0 and undecided_too)):
            out.append(decode(run))
            converted += 1
        else:
            out.append(run)
    return out, converted
