"""Pure extraction layer: format detection, one extractor per format, the result schema.

Nothing here touches the database; heavy format libraries are imported only inside the
extractor modules, when a file of that kind is read.
"""

from pybase.extraction.api import extract
from pybase.extraction.base import ExtractionOptions, Extractor, ProgressCallback
from pybase.extraction.detect import DetectedFormat, detect_format
from pybase.extraction.result import SCHEMA_VERSION, ExtractionResult, Issue, Quantity

__all__ = [
    "SCHEMA_VERSION",
    "DetectedFormat",
    "ExtractionOptions",
    "ExtractionResult",
    "Extractor",
    "Issue",
    "ProgressCallback",
    "Quantity",
    "detect_format",
    "extract",
]
