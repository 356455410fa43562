"""Plain text from DXF string values: TEXT, MTEXT, ATTRIB, MULTILEADER and ACAD_TABLE cells.

Part of the DXF extractor (:mod:`pybase.extraction.dxf`); imports ezdxf, so only that module
imports this one.

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
    "acad_table_rows",
    "attrib_plain_text",
    "decode_escapes",
    "mtext_plain_text",
    "multileader_plain_text",
    "text_plain_text",
]


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
