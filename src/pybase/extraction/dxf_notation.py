"""Engineering notation in a DXF drawing: GD&T feature control frames, datum feature symbols,
threads, surface texture and the general-tolerance note, read with
:mod:`pybase.extraction.notation` and located (layout, handle, position).

Sources of each (part of the DXF extractor; no ezdxf import here):

* TOLERANCE entities (group 1 content in the GDT font, ``%%v`` compartments):
  :func:`~pybase.extraction.notation.parse_dxf_tolerance`; a frame's datum identifier row
  is also a datum feature. Content with no known GD&T symbol gives the issue
  ``dxf_tolerance_unreadable``; frames the parser had doubts about ``gdt_frame_warning``.
* Notes: every line of TEXT, MTEXT and MULTILEADER text (also text inside blocks), decoded
  from the raw string so that GDT-font characters (``{\\Fgdt;j}``) and stacks survive:
  a general-tolerance note (``ISO 2768-mK``; the first one wins), a feature control frame
  (a line starting with a GD&T symbol), a datum feature symbol written ``-A-``,
  ``DATUM A`` or ``[A]``, threads anywhere in the line (``4X M8x1.25-6H``, ``8-螺栓
  M16x130``), surface texture parameters anywhere in the line (``ALL OVER Ra 3.2``).
* Blocks: an INSERT of a block whose name says DATUM carries its letter as an ATTRIB or a
  TEXT; an ATTRIB tagged ``RA``/``RZ`` (or any ATTRIB of a block named ROUGHNESS, SURFACE,
  FINISH, RAUHEIT) holding a number is a surface texture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from pybase.extraction.notation import (
    CHARACTERISTIC_SYMBOLS,
    DatumFeature,
    FeatureControlFrame,
    GeneralTolerance,
    SurfaceTexture,
    Thread,
    decode_dxf_text,
    decode_mtext,
    normalize,
    parse_datum_feature,
    parse_dxf_tolerance,
    parse_feature_control_frame,
    parse_general_tolerance,
    parse_surface_texture,
    parse_thread,
)
from pybase.extraction.result import NotationSource

__all__ = ["Notations"]

Section = Literal["gdt", "datums", "threads", "surface_textures"]

_FRAME_START = frozenset(CHARACTERISTIC_SYMBOLS.values()) | frozenset("⊕⊥∥≡◯▱⊚⌾")
_THREAD_HINT_RE = re.compile(r"M\s?\d|UN[CFSJREF]*\b|NPT|NPS|\bG\s?\d|\bR[pc]?\s?\d+/\d")
_TEXTURE_RE = re.compile(
    r"(?:[√∇▽]\s*)?(?:\b[UL]\s+)?\b(?:Rmax|Rsm|R[aqztpv]|W[aqzt])\s*(?:max\.?\s*|min\.?\s*)?"
    r"\d+(?:[.,]\d+)?(?![\d.,]*\s*/)(?:\s*(?:µm|um|µin|uin|microinch))?(?:\s*(?:max|min)\b)?"
)
_DATUM_TEXT_RE = re.compile(r"^\s*(?:-[A-Z]{1,2}-|\[[A-Z]{1,2}\]|DATUM\s+[A-Z]{1,2})\s*$")
_DATUM_BLOCK_RE = re.compile(r"DATUM|BEZUG|REFERENCE_?TRIANGLE", re.IGNORECASE)
_ROUGHNESS_BLOCK_RE = re.compile(r"ROUGH|SURFACE|FINISH|RAUH|OBERFL", re.IGNORECASE)
_NUMBER_RE = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*$")


@dataclass
class Notations:
    """Collects located notation values for one drawing (lengths in ``unit``)."""

    unit: str
    gdt: list[FeatureControlFrame] = field(default_factory=list)
    datums: list[DatumFeature] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)
    surface_textures: list[SurfaceTexture] = field(default_factory=list)
    sources: list[NotationSource] = field(default_factory=list)
    general_tolerance: GeneralTolerance | None = None
    general_tolerance_source: str | None = None
    problems: list[tuple[str, str, str | None]] = field(default_factory=list)

    def _add(
        self,
        section: str,
        value: FeatureControlFrame | DatumFeature | Thread | SurfaceTexture,
        text: str,
        layout: str | None,
        handle: str | None,
        position: tuple[float, ...] | None,
    ) -> None:
        target: list[Any] = getattr(self, section)
        target.append(value)
        self.sources.append(
            NotationSource(
                section=cast(Section, section),
                index=len(target) - 1,
                text=text,
                layout=layout,
                handle=handle,
                position=position,
            )
        )

    def tolerance_entity(
        self, content: str, layout: str, handle: str | None, position: tuple[float, ...] | None
    ) -> None:
        """A TOLERANCE entity's group 1 content -> frames (+ its datum identifier)."""
        where = f"{layout} #{handle}" if handle else layout
        frames = parse_dxf_tolerance(content, self.unit)
        text = decode_mtext(content)
        if not frames:
            self.problems.append(
                (
                    "dxf_tolerance_unreadable",
                    f"TOLERANCE content {content!r} has no known GD&T characteristic symbol",
                    where,
                )
            )
            return
        for frame in frames:
            self._add("gdt", frame, text, layout, handle, position)
            for warning in frame.warnings:
                self.problems.append(("gdt_frame_warning", f"TOLERANCE: {warning}", where))
        feature = frames[0].datum_feature
        if feature:
            self._add("datums", DatumFeature(label=feature), text, layout, handle, position)

    def note(
        self,
        raw: str,
        kind: str,
        layout: str,
        handle: str | None,
        position: tuple[float, ...] | None,
        block: str | None = None,
    ) -> None:
        """Every line of one TEXT/MTEXT/MULTILEADER/ATTRIB string (see module docstring)."""
        decoded = decode_dxf_text(raw) if kind in ("TEXT", "ATTRIB") else decode_mtext(raw)
        if block is not None and _DATUM_BLOCK_RE.search(block):
            label = normalize(decoded)
            if re.fullmatch(r"[A-HJ-NPR-Z]{1,2}", label):
                self._add("datums", DatumFeature(label=label), label, layout, handle, position)
                return
        for line in decoded.split("\n"):
            line = normalize(line)
            if not line or not (any(ch.isdigit() for ch in line) or _DATUM_TEXT_RE.match(line)):
                continue
            self._line(line, layout, handle, position)

    def _line(
        self, line: str, layout: str, handle: str | None, position: tuple[float, ...] | None
    ) -> None:
        if self.general_tolerance is None and ("2768" in line or "7168" in line):
            general = parse_general_tolerance(line)
            if general is not None and self.general_tolerance is None:
                self.general_tolerance = general
                self.general_tolerance_source = f"note in {layout}" + (
                    f" #{handle}" if handle else ""
                )
                return
        if line.lstrip("| ")[:1] in _FRAME_START or line.lstrip("| ")[:2] == "//":
            frame = parse_feature_control_frame(line, self.unit)
            if frame is not None:
                self._add("gdt", frame, line, layout, handle, position)
                return
        if _DATUM_TEXT_RE.match(line):
            datum = parse_datum_feature(line)
            if datum is not None:
                self._add("datums", datum, line, layout, handle, position)
                return
        if _THREAD_HINT_RE.search(line):
            thread = parse_thread(line, self.unit)
            if thread is not None:
                self._add("threads", thread, line, layout, handle, position)
        for match in _TEXTURE_RE.finditer(line):
            texture = parse_surface_texture(match.group(0))
            if texture is not None:
                self._add("surface_textures", texture, match.group(0), layout, handle, position)

    def dimension_text(
        self, raw: str, layout: str, handle: str | None, position: tuple[float, ...] | None
    ) -> None:
        """A DIMENSION override that is no dimension may be a thread callout (``M8-6H``)."""
        line = normalize(decode_mtext(raw))
        if _THREAD_HINT_RE.search(line):
            thread = parse_thread(line, self.unit)
            if thread is not None:
                self._add("threads", thread, line, layout, handle, position)

    def attribute(
        self,
        block: str,
        tag: str,
        value: str,
        layout: str,
        handle: str | None,
        position: tuple[float, ...] | None,
    ) -> None:
        """An ATTRIB of a datum or surface-texture symbol block (module docstring)."""
        text = normalize(value)
        if not text:
            return
        if _DATUM_BLOCK_RE.search(block) and re.fullmatch(r"[A-HJ-NPR-Z]{1,2}", text):
            self._add("datums", DatumFeature(label=text), text, layout, handle, position)
            return
        upper_tag = tag.upper()
        parameter = upper_tag if upper_tag in ("RA", "RZ") else None
        if parameter is None and _ROUGHNESS_BLOCK_RE.search(block):
            parameter = "RA"
        if parameter is not None and _NUMBER_RE.match(text):
            written = f"{parameter[0]}{parameter[1].lower()} {text}"
            texture = parse_surface_texture(written)
            if texture is not None:
                self._add("surface_textures", texture, written, layout, handle, position)
