"""Layouts of a DXF drawing with their paper setup and viewports (``metadata["layouts"]``).

Part of the DXF extractor (:mod:`pybase.extraction.dxf`). Sources: DXF reference, OBJECTS
section LAYOUT and PLOTSETTINGS (paper size in mm, plot paper units), ENTITIES section VIEWPORT
(group 10 centre and 40/41 width/height in paper-space units, 12 view centre and 45 view
height in model-space units, 69 id).

Per layout: ``name``, ``tab_order`` (0 = model space), ``model_space``, and for paper-space
layouts ``paper_size`` ``[width, height]`` with ``paper_unit`` ``"mm"`` (PLOTSETTINGS stores
millimetres), ``plot_paper_units`` (``"inch"``/``"mm"``/``"pixels"``), ``limits``
``[[xmin, ymin], [xmax, ymax]]`` in paper-space units, and ``viewports``.

Viewports: the model-space windows on a paper-space layout. The layout's own overall
viewport (id 1, or the first VIEWPORT showing paper space at 1:1 in files that store id 0)
is not listed. Each: ``handle``, ``center`` ``[x, y]``, ``width``, ``height`` (paper-space
units), ``view_center`` ``[x, y]`` and ``view_height`` (model-space units), ``scale`` (paper
units per model unit = height / view_height) and ``scale_text`` (``"1:48"``, ``"2:1"``),
``unit`` (the drawing's length unit), ``on`` (status not 0).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ezdxf.document import Drawing

__all__ = ["layout_details", "scale_text"]

_PAPER_UNITS = {0: "inch", 1: "mm", 2: "pixels"}


def _pair(value: Any) -> list[float] | None:
    try:
        return [float(value[0]) + 0.0, float(value[1]) + 0.0]
    except (TypeError, ValueError, IndexError):
        return None


def scale_text(scale: float) -> str:
    """A viewport scale as a ratio: 1/48 -> ``"1:48"``, 2 -> ``"2:1"``, 0.3 -> ``"1:3.333"``."""
    if scale <= 0 or not math.isfinite(scale):
        return "?"
    if scale >= 1:
        value, fmt = scale, "{}:1"
    else:
        value, fmt = 1 / scale, "1:{}"
    nearest = round(value)
    if abs(value - nearest) <= 1e-3 * value:
        return fmt.format(nearest)
    return fmt.format(f"{value:.4g}")


def _viewports(layout: Any, unit: str | None) -> list[dict[str, Any]]:
    viewports = [e for e in layout if e.dxftype() == "VIEWPORT"]
    result: list[dict[str, Any]] = []
    for index, vp in enumerate(viewports):
        dxf = vp.dxf
        height = float(dxf.get("height", 0.0) or 0.0)
        view_height = float(dxf.get("view_height", 0.0) or 0.0)
        center = _pair(dxf.get("center", (0, 0)))
        view_center = _pair(dxf.get("view_center_point", (0, 0)))
        vp_id = dxf.get("id", 0)
        if vp_id == 1:
            continue  # the paper-space overall viewport
        if (
            index == 0
            and vp_id == 0
            and math.isclose(height, view_height, rel_tol=1e-6)
            and center is not None
            and view_center is not None
            and all(
                math.isclose(a, b, abs_tol=1e-6) for a, b in zip(center, view_center, strict=True)
            )
        ):
            continue  # same, in a file that stores id 0 for viewports never activated
        scale = height / view_height if view_height > 0 else None
        result.append(
            {
                "handle": dxf.get("handle"),
                "center": center,
                "width": float(dxf.get("width", 0.0) or 0.0),
                "height": height,
                "view_center": view_center,
                "view_height": view_height,
                "scale": scale,
                "scale_text": scale_text(scale) if scale else None,
                "unit": unit,
                "on": dxf.get("status", 0) != 0,
            }
        )
    return result


def layout_details(doc: Drawing, unit: str | None) -> list[dict[str, Any]]:
    """One JSON-ready dict per layout in tab order (see the module docstring). Values the
    file does not have are left out; a damaged LAYOUT object never raises."""
    details: list[dict[str, Any]] = []
    for order, name in enumerate(doc.layouts.names_in_taborder()):
        layout = doc.layouts.get(name)
        info: dict[str, Any] = {
            "name": name,
            "tab_order": order,
            "model_space": bool(layout.is_modelspace),
        }
        if not layout.is_modelspace:
            try:
                setup = layout.dxf_layout.dxf
                width, height = setup.get("paper_width"), setup.get("paper_height")
                if width and height:
                    info["paper_size"] = [float(width), float(height)]
                    info["paper_unit"] = "mm"
                units = setup.get("plot_paper_units")
                if units in _PAPER_UNITS:
                    info["plot_paper_units"] = _PAPER_UNITS[units]
                low, high = _pair(setup.get("limmin")), _pair(setup.get("limmax"))
                if low is not None and high is not None and low != high:
                    info["limits"] = [low, high]
            except Exception:  # a LAYOUT object without plot settings: leave them out
                pass
            info["viewports"] = _viewports(layout, unit)
        details.append(info)
    return details
