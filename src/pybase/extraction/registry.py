"""Extractor registry keyed by format name.

Entries are ``"module:Class"`` strings so that importing the registry imports no format
library; the module is imported the first time a file of that format is extracted. An
unknown format fails with one clear code (``unsupported_format``).

More extractors can be plugged in without code changes through the environment variable
``PYBASE_EXTRA_EXTRACTORS="fmt=module:Class,fmt2=module:Class"`` (read by every process,
so pool workers see them too); the tests use it to inject crashing and slow extractors.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING

from pybase.errors import UnsupportedFormatError

if TYPE_CHECKING:
    from pybase.extraction.base import Extractor

__all__ = ["ENGINES", "EXTRACTORS", "get_engine", "get_extractor", "register"]

EXTRACTORS: dict[str, str] = {
    "pdf": "pybase.extraction.pdf:PdfExtractor",
    "dxf": "pybase.extraction.dxf:DxfExtractor",
    "ifc": "pybase.extraction.ifc:IfcExtractor",
    "step": "pybase.extraction.step:StepExtractor",
}


#: Engines other than our own extractors, selected by ``ExtractionOptions.engine`` (not by
#: format): the engine reads every format it supports and says which it does not.
ENGINES: dict[str, str] = {
    "werk24": "pybase.extraction.werk24:Werk24Extractor",
}


def register(fmt: str, target: str) -> None:
    """Register (or replace) the extractor for ``fmt`` as a ``"module:Class"`` string."""
    EXTRACTORS[fmt] = target


def _load_extra() -> None:
    for item in os.environ.get("PYBASE_EXTRA_EXTRACTORS", "").split(","):
        fmt, sep, target = item.strip().partition("=")
        if sep and ":" in target:
            EXTRACTORS.setdefault(fmt.strip(), target.strip())


_load_extra()


def get_extractor(fmt: str) -> Extractor:
    """Instantiate the extractor registered for ``fmt``.

    Raises:
        UnsupportedFormatError: no extractor is registered for ``fmt``.
    """
    target = EXTRACTORS.get(fmt)
    if target is None:
        raise UnsupportedFormatError(f"no extractor for format {fmt!r}")
    module_name, _, class_name = target.partition(":")
    module = importlib.import_module(module_name)
    extractor: Extractor = getattr(module, class_name)()
    return extractor


def get_engine(engine: str) -> Extractor:
    """Instantiate the extractor of ``engine`` (e.g. ``werk24``); imported on first use.

    Raises:
        UnsupportedFormatError: no such engine.
    """
    target = ENGINES.get(engine)
    if target is None:
        raise UnsupportedFormatError(f"no extraction engine {engine!r}")
    module_name, _, class_name = target.partition(":")
    extractor: Extractor = getattr(importlib.import_module(module_name), class_name)()
    return extractor
