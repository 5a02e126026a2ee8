"""Name matching shared by every importer: headers, words in cells, and unit names (the boundary importer
matches its features with the same keys). Exact-with-diacritics keys are tried before folded ones."""

from __future__ import annotations

import re
import unicodedata

from dashboard.fmt import strip_diacritics

# "UBND", "Ủy ban nhân dân" and the like name the people's committee of a unit, not the unit
COMMITTEE = re.compile(r"^(ubnd|uỷ ban nhân dân|ủy ban nhân dân|uy ban nhan dan|ubnd\.)\s+", re.I)
#: kind words in front of a unit's name → the kinds they can name (abbreviations as exports write them)
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "xã": ("commune",),
    "phường": ("commune",),
    "thị trấn": ("commune",),
    "đặc khu": ("commune",),
    "huyện": ("district",),
    "quận": ("district",),
    "thị xã": ("district",),
    "thành phố": ("district", "province"),
    "tỉnh": ("province",),
    "tp.": ("district", "province"),
    "tp": ("district", "province"),
    "tx.": ("district",),
    "tx": ("district",),
    "tt.": ("commune",),
    "tt": ("commune",),
    "h.": ("district",),
    "p.": ("commune",),
    "q.": ("district",),
    "x.": ("commune",),
}
# the same words typed without diacritics: stripped only from a name typed without any
_FOLDED_ONLY = {strip_diacritics(w) for w in KIND_WORDS} - set(KIND_WORDS)
for _w, _k in list(KIND_WORDS.items()):
    KIND_WORDS.setdefault(strip_diacritics(_w), _k)
_KIND_RE = re.compile(
    r"^(" + "|".join(re.escape(w) for w in sorted(KIND_WORDS, key=len, reverse=True)) + r")(\s+|(?<=\.))", re.I
)
# old-style tone placement (hoà) and its modern form (hòa) are the same name
OLD_TONES = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}


def clean(text: object) -> str:
    """NFC, lower case, one space between words, modern tone placement, quotes dropped."""
    s = unicodedata.normalize("NFC", str(text)).strip().lower()
    s = re.sub(r"[’'`]", "", s)
    s = re.sub(r"\s+", " ", s)
    for old, new in OLD_TONES.items():
        s = s.replace(old, new)
    return s


def fold(text: object) -> str:
    """clean() without diacritics and without punctuation or spaces: 'Ngày tiếp nhận' → 'ngaytiepnhan'."""
    return re.sub(r"[^0-9a-z]", "", strip_diacritics(clean(text)))


def split_unit_name(name: object) -> tuple[tuple[str, ...], str]:
    """(kinds the leading kind word allows, or () when there is none; the name without committee and kind words).
    'UBND TP. Tam Kỳ' → (('district', 'province'), 'tam kỳ')."""
    s = COMMITTEE.sub("", clean(name), count=1)
    kinds: tuple[str, ...] = ()
    m = _KIND_RE.match(s)
    while m and (m.group(1).lower() not in _FOLDED_ONLY or s.isascii()):
        word = m.group(1).lower()
        kinds = kinds or KIND_WORDS[word]
        s = s[m.end() :].lstrip()
        m = _KIND_RE.match(s)
    return kinds, s.replace("-", " ").replace(".", " ").strip()


def exact_key(name: object) -> str:
    """Case-, prefix- and spacing-insensitive, diacritics kept."""
    return re.sub(r"\s+", " ", split_unit_name(name)[1])


def folded_key(name: object) -> str:
    """exact_key without diacritics (đ → d) and without spaces."""
    return fold(exact_key(name))
