"""Surface texture requirements -> :class:`SurfaceTexture`.

Forms: ``Ra 3.2``, ``Ra3,2``, ``Rz 16``, ``Rz6.3``, ``Ra 0.8 µm``, ``Ra 32 µin``, ``√Ra 1.6``,
``U Ra 3.2`` / ``L Ra 0.8`` (ISO 1302:2002 upper/lower limit), ``Ra max 0.8`` / ``Ra 0.8
max`` (the max-rule), ``0.8-25/Rz 6.3`` (transmission band, skipped), ``Rz3 6.3`` (number
of sampling lengths, skipped), and roughness grades ``N1``..``N12`` (ISO 1302:1992 annex A,
table A.1: N7 = Ra 1.6 µm). Parameters: ISO 4287 / ISO 21920-2 profile parameters ``R..``,
``W..``, ``P..`` and the legacy ``Rmax``. The symbol before the value says the process
(ISO 1302 graphical symbols): ``√`` any process, ``∇``/``▽`` (legacy DIN drawings) material
removal required, ``√○`` removal prohibited.

Values are in µm unless the text says µin (or ``unit="microinch"`` is passed for drawings
whose notes say surface texture is in microinches, ASME Y14.36-2018).
"""

from __future__ import annotations

import re
from typing import Literal, cast

from pybase.extraction.notation.encodings import decode_mtext, normalize
from pybase.extraction.notation.models import SurfaceTexture
from pybase.extraction.notation.numeric import NUMBER, format_number, parse_number

__all__ = ["ROUGHNESS_GRADES_UM", "format_surface_texture", "parse_surface_texture"]

#: ISO 1302:1992 roughness grade number -> Ra in µm.
ROUGHNESS_GRADES_UM: dict[str, float] = {
    "N1": 0.025,
    "N2": 0.05,
    "N3": 0.1,
    "N4": 0.2,
    "N5": 0.4,
    "N6": 0.8,
    "N7": 1.6,
    "N8": 3.2,
    "N9": 6.3,
    "N10": 12.5,
    "N11": 25.0,
    "N12": 50.0,
}

_PARAMETERS = (
    "Rz1max|Rmax|Rsm|Rsk|Rku|Rmr|Rdq|Rpk|Rvk|Ra|Rq|Rz|Rt|Rp|Rv|Rc|Rk|"
    "Wsm|Wa|Wq|Wz|Wt|Wp|Wv|Pa|Pq|Pz|Pt|Pp|Pv"
)
_TEXTURE_RE = re.compile(
    rf"^(?P<proc>√○|√|∇|▽)?\s*(?P<band>{NUMBER}\s*-\s*{NUMBER}\s*/\s*)?"
    rf"(?:(?P<ul>[UL])\s+)?(?P<param>{_PARAMETERS})"
    rf"(?:\s*(?P<max1>max|min)\.?)?\s*=?\s*(?P<value>{NUMBER})(?![\d.,])"
    rf"\s*(?P<unit>µm|um|µin|uin|microinch(?:es)?|µ\"|μm)?"
    rf"(?:\s*(?P<max2>max|min)\.?)?$",
    re.IGNORECASE,
)
_SAMPLING_RE = re.compile(rf"^(?P<head>.*?(?:{_PARAMETERS}))(?P<n>\d)\s+(?={NUMBER})")
_GRADE_RE = re.compile(r"^(?P<proc>√○|√|∇|▽)?\s*(?P<grade>N(?:1[0-2]|[1-9]))$")

_PARAM_CANONICAL = {p.lower(): p for p in _PARAMETERS.split("|")}


def _parse(text: str, unit: str) -> SurfaceTexture | None:
    s = normalize(decode_mtext(text) if ("\\" in text or "%" in text) else text)
    if not s or len(s) > 60:
        return None
    grade = _GRADE_RE.match(s)
    if grade:
        return SurfaceTexture(
            parameter="Ra",
            value=ROUGHNESS_GRADES_UM[grade.group("grade")],
            unit="um",
            roughness_grade=grade.group("grade"),
            process=_process(grade.group("proc")),
        )
    warnings: list[str] = []
    sampling = _SAMPLING_RE.match(s)
    if sampling:
        s = sampling.group("head") + " " + s[sampling.end() :]
        warnings.append(f"number of sampling lengths {sampling.group('n')} not kept")
    match = _TEXTURE_RE.match(s)
    if match is None:
        return None
    value = parse_number(match.group("value"))
    if value is None:
        return None
    parameter = _PARAM_CANONICAL[match.group("param").lower()]
    if match.group("param") != parameter and match.group("param")[0].islower():
        return None  # 'ra 3.2' in prose is not a callout
    unit_text = (match.group("unit") or "").lower()
    if unit_text:
        texture_unit = "microinch" if ("in" in unit_text or '"' in unit_text) else "um"
    else:
        texture_unit = unit if unit in ("um", "microinch") else "um"
    limit: Literal["upper", "lower"] | None = None
    ul = match.group("ul")
    bound = (match.group("max1") or match.group("max2") or "").lower()
    if ul:
        limit = "upper" if ul.upper() == "U" else "lower"
    elif bound:
        limit = "upper" if bound == "max" else "lower"
    if match.group("band"):
        warnings.append(f"transmission band {match.group('band').strip(' /')} not kept")
    return SurfaceTexture(
        parameter=parameter,
        value=value,
        unit=cast(Literal["um", "microinch"], texture_unit),
        limit=limit,
        process=_process(match.group("proc")),
        warnings=warnings,
    )


def _process(
    symbol: str | None,
) -> Literal["any", "material_removal_required", "material_removal_prohibited"] | None:
    if symbol is None:
        return None
    if symbol in ("∇", "▽"):
        return "material_removal_required"
    if symbol == "√○":
        return "material_removal_prohibited"
    return "any"


def parse_surface_texture(text: str, unit: str = "um") -> SurfaceTexture | None:
    """Parse a surface texture callout (forms in the module docstring). ``unit`` is the value
    unit when the text names none: ``"um"`` (default) or ``"microinch"``. Returns None when
    the text is not a surface texture requirement; never raises."""
    try:
        return _parse(text, unit)
    except (ValueError, ArithmeticError, IndexError, KeyError):
        return None


def format_surface_texture(texture: SurfaceTexture) -> str:
    """Canonical text, read back by :func:`parse_surface_texture` to the same values:
    ``Ra 3.2``, ``U Rz 6.3 µin``, ``N7``."""
    if texture.roughness_grade:
        return texture.roughness_grade
    text = f"{texture.parameter} {format_number(texture.value)}"
    if texture.limit is not None:
        text = f"{'U' if texture.limit == 'upper' else 'L'} {text}"
    if texture.unit == "microinch":
        text += " µin"
    return text
