"""Decoding of ISO 10303-21 (STEP Part 21) string values to readable text.

* ISO 10303-21:2016 §6.4.3 string escapes: ``''`` is one apostrophe, ``\\\\`` one backslash,
  ``\\X2\\hhhh...\\X0\\`` UCS-2 (``\\X4\\`` UCS-4) characters, ``\\X\\hh`` one ISO 8859-1
  byte, ``\\S\\c`` the character ``c`` with its high bit set in the ISO 8859 part selected by
  ``\\Pa\\`` (part 1 by default). Line breaks inside a string are layout, not content.
* Raw bytes >= 0x80 are not allowed in a Part 21 string, yet some exporters (e.g. SolidWorks on
  Russian Windows) write them unescaped, sometimes mixing code pages inside one string. Each
  run of such bytes is decoded on its own: UTF-8 when valid, otherwise whichever of cp1252,
  cp1251 and cp866 reads as plausible text (:func:`decode_raw_run`).

Text is handled as read with ``latin-1``: one character per file byte.
"""

from __future__ import annotations

import re

__all__ = ["decode_literal", "decode_raw_run", "decode_string"]


_ESCAPE = re.compile(
    r"''|\\\\|\\X2\\((?:[0-9A-Fa-f]{4})*)\\X0\\|\\X4\\((?:[0-9A-Fa-f]{8})*)\\X0\\"
    r"|\\X\\([0-9A-Fa-f]{2})|\\S\\(.)|\\P([A-Ia-i])\\|\\N\\|\\F\\|[\r\n]",
    re.S,
)
_HIGH_RUN = re.compile(r"[\x80-\xff]+")
_NEEDS_ESCAPE_PASS = re.compile(r"[\\'\r\n]")
_RUSSIAN = frozenset("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя")
_WESTERN_SYMBOLS = frozenset("°±µ×÷²³¹¼½¾·§©®ØøÆæŒœ€£¥¢ß")


def _plausibility(text: str, encoding: str, inside_word: bool) -> int:
    """Score how much ``text`` (one decoded run of high bytes) looks like real writing."""
    score = 0
    cyrillic = encoding in ("cp1251", "cp866")
    for ch in text:
        if cyrillic and ch in _RUSSIAN:
            # A Cyrillic letter glued to Latin letters is unlikely in real names.
            score += 1 if inside_word else 2
        elif not cyrillic and ch in _WESTERN_SYMBOLS:
            score += 2 if len(text) <= 2 else 1
        elif not cyrillic and ch.isalpha():
            # Accented Latin letters sit inside ASCII words; whole words of them are unlikely.
            score += 2 if inside_word or len(text) <= 2 else 1
        else:
            score -= 3
    return score


def decode_raw_run(raw: bytes, inside_word: bool = False) -> tuple[str, str]:
    """Decode one run of raw bytes >= 0x80 found unescaped in a Part 21 string.

    Tries UTF-8 first (valid UTF-8 is almost never accidental), then scores cp1252 (Western),
    cp1251 (Cyrillic Windows) and cp866 (Cyrillic DOS) by how many decoded characters are
    letters of the script that code page is for; ties go to cp1252. ``inside_word`` says the run
    touches ASCII letters, which favours accented Latin over Cyrillic.

    Returns:
        ``(text, encoding)``.
    """
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best: tuple[int, str, str] | None = None
    for encoding in ("cp1252", "cp1251", "cp866"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text, encoding, inside_word)
        if best is None or score > best[0]:
            best = (score, text, encoding)
    if best is None:
        return raw.decode("latin-1"), "latin-1"
    return best[1], best[2]


def decode_literal(text: str, used: set[str]) -> str:
    """Decode raw high bytes (as U+0080..U+00FF chars of a latin-1 read) run by run."""
    if not _HIGH_RUN.search(text):
        return text

    def repl(match: re.Match[str]) -> str:
        start, end = match.span()
        inside = (start > 0 and text[start - 1].isalpha()) or (
            end < len(text) and text[end].isalpha()
        )
        decoded, encoding = decode_raw_run(match.group().encode("latin-1"), inside)
        used.add(encoding)
        return decoded

    return _HIGH_RUN.sub(repl, text)


def decode_string(content: str, used: set[str] | None = None) -> tuple[str, str]:
    """Decode the content of a Part 21 string (between the apostrophes, read as latin-1).

    Args:
        content: the raw characters; each char is one byte of the file.
        used: if given, receives the code pages used for raw non-ASCII bytes.

    Returns:
        ``(text, occt_form)``: ``text`` is the readable string (escapes decoded per ISO 10303-21
        §6.4.3, raw bytes decoded by :func:`decode_raw_run`); ``occt_form`` keeps raw bytes as
        U+0080..U+00FF (how OCCT reads them with an ISO 8859-1 code page).
    """
    sink: set[str] = used if used is not None else set()
    if not _NEEDS_ESCAPE_PASS.search(content):
        return decode_literal(content, sink), content
    pieces: list[str] = []
    occt: list[str] = []
    page = 1  # ISO 8859-<page> for \S\
    pos = 0
    for m in _ESCAPE.finditer(content):
        literal = content[pos : m.start()]
        pieces.append(decode_literal(literal, sink))
        occt.append(literal)
        pos = m.end()
        token = m.group()
        out = ""
        if token == "''":
            out = "'"
        elif token == "\\\\":
            out = "\\"
        elif m.group(1) is not None:
            out = bytes.fromhex(m.group(1)).decode("utf-16-be", "replace")
        elif m.group(2) is not None:
            out = bytes.fromhex(m.group(2)).decode("utf-32-be", "replace")
        elif m.group(3) is not None:
            out = bytes([int(m.group(3), 16)]).decode("latin-1")
        elif m.group(4) is not None:
            code = (ord(m.group(4)) & 0xFF) | 0x80
            out = bytes([code]).decode(f"iso8859-{page}", "replace")
        elif m.group(5) is not None:
            page = ord(m.group(5).upper()) - ord("A") + 1
        pieces.append(out)
        occt.append(out)
    literal = content[pos:]
    pieces.append(decode_literal(literal, sink))
    occt.append(literal)
    return "".join(pieces), "".join(occt)
