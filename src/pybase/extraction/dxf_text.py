"""Plain text from DXF string values: TEXT, MTEXT, ATTRIB, MULTILEADER and ACAD_TABLE cells.

Part of the DXF extractor (:mod:`pybase.extraction.dxf`); imports ezdxf, so only that module
imports this one.

Repairs: :func:`repair_mojibake` undoes East Asian text whose bytes were read as Latin-1 (CAXA
writes GBK title-block labels into UTF-8 DXF that way: ``ÈÕÆÚ`` = 日期);
:func:`mtext_format_problem` says what is wrong with broken MTEXT inline codes.

Decoding rules (DXF reference, "Control codes and special characters"; "MText inline codes"):

* TEXT/ATTRIB: ``%%c`` -> ``Ø``, ``%%d`` -> ``°``, ``%%p`` -> ``±``; ``%%u``/``%%o``
  (underline/overline toggles) are dropped — ezdxf's ``Text.plain_text()``.
* MTEXT (and dimension override text, MULTILEADER content, table cells): inline formatting
  codes (``\\f...;``, ``\\H...;``, ``{}``, ``\\P`` -> newline, stacking ``\\S a^b;``) removed by
  ezdxf's MTEXT parser (``plain_mtext``, the "accurate" mode).
* Every string: ``\\U+XXXX`` (DXF Unicode escape, used by R2000 and older writers for
  characters outside the code page) and ``\\M+cXXXX`` (multibyte MIF escape) are decoded to
  the character they name. ``ezdxf.recover`` decodes them while loading, ``ezdxf.readfile``
  does not, so this module does it for both paths.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ezdxf.lldxf.encoding import (
    decode_dxf_unicode,
    decode_mif_to_unicode,
    has_dxf_unicode,
    has_mif_encoding,
)
from ezdxf.tools.text import plain_mtext

if TYPE_CHECKING:
    from ezdxf.entities import Attrib, DXFEntity, MultiLeader, Text

__all__ = [
    "CJK_CODECS",
    "acad_table_rows",
    "attrib_plain_text",
    "decode_escapes",
    "mtext_format_problem",
    "mtext_plain_text",
    "multileader_plain_text",
    "repair_mojibake",
    "text_plain_text",
]

#: Python codecs of the East Asian DXF code pages ($DWGCODEPAGE ANSI_932/936/949/950, JOHAB).
CJK_CODECS: frozenset[str] = frozenset({"cp932", "gbk", "cp936", "cp949", "cp950", "big5", "johab"})


def decode_escapes(value: str) -> str:
    """Decode ``\\U+XXXX`` and ``\\M+cXXXX`` escapes in ``value`` (any DXF string)."""
    if "\\" not in value:
        return value
    if has_dxf_unicode(value):
        value = decode_dxf_unicode(value)
    if has_mif_encoding(value):
        value = decode_mif_to_unicode(value)
    return value


def mtext_plain_text(content: str) -> str:
    """MTEXT content string -> plain text; paragraphs (``\\P``) become ``\\n``."""
    text = plain_mtext(content, split=False)
    assert isinstance(text, str)
    return decode_escapes(text)


def text_plain_text(entity: Text) -> str:
    """The content of a TEXT (or ATTRIB/ATTDEF) entity with ``%%`` codes decoded."""
    return decode_escapes(entity.plain_text())


def attrib_plain_text(attrib: Attrib) -> str:
    """The value of an ATTRIB; multi-line attributes (embedded MTEXT, DXF R2018) are read as
    MTEXT."""
    if attrib.has_embedded_mtext_entity:
        return decode_escapes(attrib.plain_mtext(fast=False))
    return text_plain_text(attrib)


def multileader_plain_text(entity: MultiLeader) -> str | None:
    """The MTEXT content of a MULTILEADER, or None when it carries a block instead."""
    mtext = entity.context.mtext
    if mtext is None or not mtext.default_content:
        return None
    return mtext_plain_text(mtext.default_content)


def acad_table_rows(entity: DXFEntity) -> list[list[str | None]]:
    """Cell strings of an ACAD_TABLE entity, row by row (``None`` for an empty cell).

    Uses ezdxf's ``read_acad_table_content`` (table content stored in the entity, DXF
    R2004+); merged cells appear as one value followed by empty cells.
    """
    from ezdxf.entities.acad_table import read_acad_table_content

    rows = read_acad_table_content(entity)  # type: ignore[arg-type]
    return [[mtext_plain_text(cell) or None for cell in row] for row in rows]


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x3040 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF


def repair_mojibake(text: str, codec: str | None) -> str | None:
    """``text`` decoded again when it is East Asian text (code page ``codec``, a Python codec
    name from :data:`CJK_CODECS`) whose bytes were taken as Latin-1 characters, e.g.
    ``"ÈÕÆÚ"`` -> ``"日期"`` for GBK. None when ``text`` is not such mojibake: it must
    consist of Latin-1 characters with at least two in U+0080..U+00FF, decode strictly in
    ``codec``, and give at least one CJK character."""
    if codec is None or codec not in CJK_CODECS:
        return None
    high = 0
    for ch in text:
        code = ord(ch)
        if code > 0xFF:
            return None
        if code >= 0x80:
            high += 1
    if high < 2:
        return None
    try:
        fixed = text.encode("latin-1").decode(codec)
    except (UnicodeError, LookupError):
        return None
    return fixed if any(_is_cjk(ch) for ch in fixed) else None


#: MTEXT inline codes that take a parameter ended by ``;`` (DXF reference, "MTEXT: inline
#: codes"): font, height, width, obliquing, tracking, alignment, colour, paragraph, stacking.
_PARAMETER_CODES = frozenset("fFHWQTACcpS")


def mtext_format_problem(content: str) -> str | None:
    """What is wrong with the inline formatting of an MTEXT string, or None when it is well
    formed: a code that takes a parameter without its closing ``;`` (``\\fArial text``: the
    CAD application swallows the rest of the text), an unbalanced ``{``/``}``."""
    if "\\" not in content and "{" not in content and "}" not in content:
        return None
    depth = 0
    i, n = 0, len(content)
    while i < n:
        ch = content[i]
        if ch == "\\" and i + 1 < n:
            code = content[i + 1]
            if code in _PARAMETER_CODES:
                end = content.find(";", i + 2)
                if end < 0:
                    return f"inline code \\{code} has no closing ';'"
                i = end + 1
                continue
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return "'}' without an opening '{'"
        i += 1
    if depth > 0:
        return f"{depth} '{{' not closed"
    return None
