"""PyBase Extract: engineering files (PDF, DXF, IFC, STEP) into structured data.

Importing ``pybase`` imports nothing heavy. The library entry point is
:func:`pybase.extraction.extract`.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
