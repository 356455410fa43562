"""Text-level rules of the PDF extractor: is a page's text layer garbled, and PDF date strings.

Pure string code (no PDF library), so it is cheap to test on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "GARBLED_MIN_UNMAPPED",
    "GARBLED_UNMAPPED_SHARE",
    "TextQuality",
    "parse_pdf_date",
    "text_quality",
]

#: A page is ``garbled_text_layer`` when at least this share of its non-whitespace characters
#: have no Unicode mapping (U+0000, U+FFFD, U+FFFE: PDFium's "unknown") ...
GARBLED_UNMAPPED_SHARE = 0.05
#: ... and there are at least this many of them (a stray unmapped bullet is not garbling).
GARBLED_MIN_UNMAPPED = 5
#: Private-use code points are legitimate in symbol fonts (GD&T, Wingdings), so they count
#: towards garbling only when they and the unmapped characters make up half the page.
_GARBLED_COMBINED_SHARE = 0.5

_UNMAPPED = re.compile("[\x00\ufffd\ufffe]")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010fffd]")
_WHITESPACE = re.compile(r"\s+")

#: ISO 32000-1 §7.9.4 date string: D:YYYYMMDDHHmmSSOHH'mm' (everything after YYYY optional).
_PDF_DATE = re.compile(
    r"^\s*(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
    r"\s*(?:([Zz])|([+-])(\d{2})'?(\d{2})?'?)?"
)


def parse_pdf_date(value: str) -> str | None:
    """Convert a PDF date string (ISO 32000-1 §7.9.4, ``D:20150516080443-07'00'``) to ISO 8601
    (``2015-05-16T08:04:43-07:00``). Missing fields default as the standard says (month/day 01,
    time 00); no time zone gives a naive time. Returns None when ``value`` is not a PDF date."""
    match = _PDF_DATE.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second, zulu, sign, tz_h, tz_m = match.groups()
    month, day = month or "01", day or "01"
    if not ("01" <= month <= "12" and "01" <= day <= "31"):
        return None
    text = f"{year}-{month}-{day}T{hour or '00'}:{minute or '00'}:{second or '00'}"
    if zulu:
        return text + "Z"
    if sign:
        return f"{text}{sign}{tz_h}:{tz_m or '00'}"
    return text


@dataclass(frozen=True)
class TextQuality:
    """Character counts of one page's text: ``visible`` non-whitespace characters, of which
    ``unmapped`` have no Unicode value (U+0000/U+FFFD/U+FFFE) and ``private_use`` are in a
    private-use area (U+E000-U+F8FF, planes 15-16)."""

    visible: int
    unmapped: int
    private_use: int

    @property
    def garbled(self) -> bool:
        """True when the text layer is too damaged to trust (thresholds above)."""
        if self.visible == 0:
            return False
        if (
            self.unmapped >= GARBLED_MIN_UNMAPPED
            and self.unmapped >= GARBLED_UNMAPPED_SHARE * self.visible
        ):
            return True
        return self.unmapped + self.private_use >= _GARBLED_COMBINED_SHARE * self.visible


def text_quality(text: str) -> TextQuality:
    """Count the visible, unmapped and private-use characters of ``text``."""
    return TextQuality(
        visible=len(_WHITESPACE.sub("", text)),
        unmapped=len(_UNMAPPED.findall(text)),
        private_use=len(_PRIVATE_USE.findall(text)),
    )
