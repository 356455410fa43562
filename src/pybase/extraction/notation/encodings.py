"""The encodings drawings use for symbols, decoded to plain Unicode text.

* AutoCAD control codes in TEXT/MTEXT/DIMENSION/TOLERANCE strings (AutoCAD "Control Codes and
  Special Characters"): ``%%c`` Ø, ``%%d`` °, ``%%p`` ±, ``%%%`` %, ``%%u``/``%%o``/``%%k``
  (underline/overline/strike toggles, dropped), ``%%nnn`` (character code nnn), ``%%v``
  (compartment separator of a TOLERANCE entity, -> ``|``); ``\\U+XXXX`` Unicode escapes and
  ``\\M+nXXXX`` multibyte escapes (n = 1 cp932, 2 cp950, 3 cp949, 4 johab, 5 cp936); DXF caret
  notation for control characters (``^J`` line feed, ``^I`` tab).
* MTEXT inline formatting (DXF reference, "MTEXT: inline codes"): ``\\P`` paragraph, ``\\X``
  (dimension text above/below the line), ``\\~`` non-breaking space, ``\\A \\H \\W \\Q \\T \\C
  \\c \\f \\F \\p`` (parameters up to ``;``), ``\\L \\l \\O \\o \\K \\k`` toggles, ``{...}``
  groups, ``\\\\ \\{ \\}`` escapes and ``\\S..;`` stacks (``\\S1/2;`` and ``\\S1#2;`` fractions ->
  ``1/2``, ``\\S+0.1^-0.05;`` tolerance stacks -> ``+0.1/-0.05``).
* The AutoCAD GDT font (gdt.shx): lowercase letters drawn in it are GD&T symbols (``{\\Fgdt;j}``
  = position ⌖ ...), see :data:`GDT_FONT`.
* CAXA fit stacks ``φ130%&H7%/f9`` -> ``φ130 H7/f9``.
* :func:`normalize` folds the look-alikes of PDFs and foreign CAD systems onto one form
  (Ø for ⌀ ∅ φ Φ ϕ Ф; ° for º ˚; - for − – ‒; x for ×; µ for μ; full-width ASCII; Cyrillic and
  Greek capitals that look like Latin ones; non-breaking spaces).

None of these functions raises: unknown codes are kept or dropped, never an error.
"""

from __future__ import annotations

import re

__all__ = [
    "GDT_FONT",
    "decode_dxf_text",
    "decode_mtext",
    "normalize",
]

#: AutoCAD GDT font (gdt.shx) letter -> Unicode symbol. a..u are the feature-control-frame
#: symbols AutoCAD's TOLERANCE dialog writes; v..z are the hole/dimension symbols.
GDT_FONT: dict[str, str] = {
    "a": "∠",  # angularity
    "b": "⟂",  # perpendicularity
    "c": "⏥",  # flatness
    "d": "⌓",  # profile of a surface
    "e": "○",  # circularity
    "f": "∥",  # parallelism
    "g": "⌭",  # cylindricity
    "h": "↗",  # circular runout
    "i": "⌯",  # symmetry
    "j": "⌖",  # position
    "k": "⌒",  # profile of a line
    "l": "Ⓛ",  # least material condition
    "m": "Ⓜ",  # maximum material condition
    "n": "Ø",  # diameter
    "o": "□",  # square
    "p": "Ⓟ",  # projected tolerance zone
    "q": "℄",  # centre line
    "r": "◎",  # concentricity / coaxiality
    "s": "Ⓢ",  # regardless of feature size
    "t": "⌰",  # total runout
    "u": "⏤",  # straightness
    "v": "⌴",  # counterbore / spotface
    "w": "⌵",  # countersink
    "x": "↧",  # depth
    "y": "⌲",  # conical taper
    "z": "⌳",  # slope
}

_PERCENT_CODES: dict[str, str] = {
    "c": "Ø",
    "d": "°",
    "p": "±",
    "%": "%",
    "u": "",
    "o": "",
    "k": "",
    "v": "|",
}

_MBCS_CODEPAGES: dict[str, str] = {
    "1": "cp932",
    "2": "cp950",
    "3": "cp949",
    "4": "johab",
    "5": "cp936",
}

_DXF_CODE_RE = re.compile(
    r"%%(\d{1,3}|[cdpuokvCDPUOKV%])"
    r"|\\U\+([0-9A-Fa-f]{4,5})"
    r"|\\M\+([1-5])([0-9A-Fa-f]{4})"
    r"|\^([JIM ])"
)
_CAXA_STACK_RE = re.compile(r"%{1,2}&([^%]{0,20})%{1,2}/")


def _dxf_code(match: re.Match[str]) -> str:
    code, uni, mb_page, mb_hex, caret = match.groups()
    if code is not None:
        if code.isdigit():
            number = int(code)
            return chr(number) if 0 < number < 256 else ""
        return _PERCENT_CODES[code.lower()]
    if uni is not None:
        value = int(uni, 16)
        return chr(value) if value <= 0x10FFFF else ""
    if mb_page is not None:
        try:
            return bytes.fromhex(mb_hex).decode(_MBCS_CODEPAGES[mb_page])
        except (UnicodeDecodeError, LookupError):
            return "\ufffd"
    return {"J": "\n", "M": "\n", "I": "\t", " ": "^"}[caret]


def decode_dxf_text(text: str) -> str:
    """Decode AutoCAD control codes (``%%c``, ``%%nnn``, ``\\U+XXXX``, ``\\M+nXXXX``, ``^J``)
    and CAXA fit stacks in a TEXT/ATTRIB/DIMENSION string; MTEXT formatting is left alone
    (use :func:`decode_mtext` for that). Returns plain text; never raises."""
    if "%" in text:
        text = _CAXA_STACK_RE.sub(r" \1/", text)
    if "%%" not in text and "\\" not in text and "^" not in text:
        return text
    return _DXF_CODE_RE.sub(_dxf_code, text)


def _read_to_semicolon(text: str, start: int) -> tuple[str, int]:
    """Characters from ``start`` up to an unescaped ``;`` (exclusive) and the index after it."""
    chars: list[str] = []
    i = start
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in ";\\":
            chars.append(text[i + 1])
            i += 2
            continue
        if ch == ";":
            return "".join(chars), i + 1
        chars.append(ch)
        i += 1
    return "".join(chars), n


def _stack(content: str) -> str:
    """Plain text of an MTEXT stack ``\\S<top><sep><bottom>;``."""
    for sep in ("^", "/", "#"):
        if sep in content:
            top, bottom = content.split(sep, 1)
            top, bottom = top.strip(), bottom.strip()
            if not top or not bottom:
                return top or bottom
            return f"{top}/{bottom}"
    return content.strip()


def _is_gdt_font(name: str) -> bool:
    return name.split("|", 1)[0].strip().lower() in ("gdt", "gdt.shx", "gdt.ttf", "amgdt")


def decode_mtext(text: str) -> str:
    """Plain text of an MTEXT string (or DIMENSION/TOLERANCE text, which use the same codes).

    Formatting codes are removed, ``\\P``/``\\X`` become newlines, stacks become ``top/bottom``
    (with a space before them when they follow a letter or digit), characters in the GDT font
    become GD&T symbols (:data:`GDT_FONT`), and the control codes of :func:`decode_dxf_text` are
    decoded. Broken formatting (an unclosed ``{``, a code without ``;``) is read as far as it
    goes; never raises.
    """
    if "\\" not in text and "{" not in text and "}" not in text:
        return decode_dxf_text(text)
    out: list[str] = []
    gdt_stack = [False]
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            code = text[i + 1]
            if code in "PXN":
                out.append("\n")
                i += 2
            elif code == "~":
                out.append(" ")
                i += 2
            elif code in "\\{}":
                out.append(code)
                i += 2
            elif code in "LlOoKk":
                i += 2
            elif code in "fF":
                name, i = _read_to_semicolon(text, i + 2)
                gdt_stack[-1] = _is_gdt_font(name)
            elif code in "AHWQTCcpa":
                _, i = _read_to_semicolon(text, i + 2)
            elif code == "S":
                content, i = _read_to_semicolon(text, i + 2)
                stacked = _stack(decode_dxf_text(content))
                if "/" in stacked and out and out[-1][-1:].isalnum():
                    out.append(" ")
                out.append(stacked)
            elif code in "UM" and i + 2 < n and text[i + 2] == "+":
                # keep the escape for decode_dxf_text below
                out.append("\\")
                i += 1
            else:
                i += 1  # unknown code: drop the backslash, keep the character
        elif ch == "{":
            gdt_stack.append(gdt_stack[-1])
            i += 1
        elif ch == "}":
            if len(gdt_stack) > 1:
                gdt_stack.pop()
            i += 1
        elif ch == "%" and text.startswith("%%", i):
            end = i + 3
            while end < n and end < i + 5 and text[end].isdigit() and text[i + 2].isdigit():
                end += 1
            out.append(text[i:end])
            i = end
        elif gdt_stack[-1]:
            out.append(GDT_FONT.get(ch, ch))
            i += 1
        else:
            out.append(ch)
            i += 1
    return decode_dxf_text("".join(out))


def _build_normalize_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII
        table[code] = chr(code - 0xFEE0)
    pairs = {
        "Ø": "⌀∅φΦϕФфø",
        "°": "º˚⁰",
        "-": "−–‒‐‑﹣",
        "x": "×хⅹ",
        "X": "Х",
        "µ": "μ",
        '"': "″“”",
        "'": "′’‘",
        " ": "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u3000\t\r\n",
        "A": "АΑ",
        "B": "ВΒ",
        "C": "С",
        "E": "ЕΕ",
        "H": "НΗ",
        "K": "КΚ",
        "M": "МΜ",
        "N": "Ν",
        "O": "ОΟ",
        "P": "РΡ",
        "T": "ТΤ",
        "Z": "Ζ",
        "a": "а",
        "c": "с",
        "e": "е",
        "o": "о",
        "p": "р",
        "y": "у",
        "Ⓜ": "ⓜ",
        "Ⓛ": "ⓛ",
        "Ⓢ": "ⓢ",
        "Ⓟ": "ⓟ",
        "Ⓕ": "ⓕ",
        "Ⓣ": "ⓣ",
        "Ⓤ": "ⓤ",
        "Ⓔ": "ⓔ",
        "Ⓘ": "ⓘ",
        "√": "✓",
    }
    for target, sources in pairs.items():
        for source in sources:
            table[ord(source)] = target
    table[0x200B] = ""  # zero-width space
    table[0xFEFF] = ""
    return table


_NORMALIZE_TABLE = _build_normalize_table()
_PLUS_MINUS_RE = re.compile(r"\+\s?/\s?-|\+-(?=\s?[\d.,])")
_SPACES_RE = re.compile(r" {2,}")


def normalize(text: str) -> str:
    """Fold look-alike characters onto the forms the parsers expect and collapse whitespace.

    Diameter signs -> ``Ø`` (U+00D8), degree variants -> ``°``, minus/dash variants (not the em
    dash, which GD&T fonts use for straightness) -> ``-``, ``×`` -> ``x``, ``+/-`` -> ``±``,
    full-width ASCII -> ASCII, Cyrillic/Greek capitals that look Latin -> Latin, all whitespace
    -> one space, stripped. Meant for notation strings, not for prose."""
    text = text.translate(_NORMALIZE_TABLE)
    if "+" in text:
        text = _PLUS_MINUS_RE.sub("±", text)
    if "  " in text:
        text = _SPACES_RE.sub(" ", text)
    return text.strip()
