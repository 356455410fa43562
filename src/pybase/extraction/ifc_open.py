"""Opening IFC files for :mod:`pybase.extraction.ifc`: IFCZIP unpacking, ISO 10303-21
framing checks, parsing with IfcOpenShell and turning the parser's log into issues.

Every failure here is converted into the :mod:`pybase.errors` tree (``raise ... from exc``):
UnsupportedFormatError, CorruptFileError, EncryptedFileError.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from pybase.errors import CorruptFileError, EncryptedFileError, UnsupportedFormatError
from pybase.extraction.result import Issue

if TYPE_CHECKING:
    from ifcopenshell import file

__all__ = [
    "check_exchange_structure",
    "data_section_is_blank",
    "log_issues",
    "open_model",
    "unzip_model",
]

#: At most this many zip member names are quoted in an error message.
_MAX_QUOTED = 10
_END_MARK = b"END-ISO-10303-21;"
_TAIL_BYTES = 4096

#: Parser log message -> (issue code, severity); first match wins. Messages about non-unique
#: GlobalIds are dropped: duplicates are reported from the model as ``duplicate_global_id``.
_LOG_RULES: tuple[tuple[re.Pattern[str], str | None, str], ...] = (
    (re.compile(r"non-unique GlobalId", re.I), None, "error"),
    (re.compile(r"Instance reference #\d+ .*not found", re.I), "dangling_reference", "error"),
    (re.compile(r"Entity with name .* not found in schema", re.I), "unknown_entity_type", "error"),
    (re.compile(r"Expected \d+ attribute values", re.I), "wrong_attribute_count", "warning"),
)


def unzip_model(path: Path, tmp: Path) -> tuple[Path, list[Issue]]:
    """Copy the ``.ifc`` member of the IFCZIP ``path`` to ``tmp`` and return its path."""
    issues: list[Issue] = []
    try:
        with zipfile.ZipFile(path) as zf:
            members = [
                info
                for info in zf.infolist()
                if not info.is_dir()
                and info.filename.lower().endswith(".ifc")
                and not info.filename.startswith("__MACOSX/")
            ]
            if not members:
                names = ", ".join(zf.namelist()[:_MAX_QUOTED]) or "none"
                raise UnsupportedFormatError(
                    f"{path.name}: zip container holds no .ifc model (members: {names})"
                )
            if len(members) > 1:
                issues.append(
                    Issue(
                        code="ifczip_multiple_models",
                        message=f"the IFCZIP holds {len(members)} .ifc members; only "
                        f"{members[0].filename!r} was read",
                    )
                )
            target = tmp / "model.ifc"
            with zf.open(members[0]) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
    except zipfile.BadZipFile as exc:
        raise CorruptFileError(f"{path.name}: broken zip container: {exc}") from exc
    except NotImplementedError as exc:
        raise UnsupportedFormatError(f"{path.name}: zip compression not supported: {exc}") from exc
    except RuntimeError as exc:
        if "encrypted" in str(exc).lower() or "password" in str(exc).lower():
            raise EncryptedFileError(f"{path.name}: the IFCZIP member is encrypted") from exc
        raise CorruptFileError(f"{path.name}: zip container cannot be read: {exc}") from exc
    except (EOFError, OSError) as exc:
        raise CorruptFileError(f"{path.name}: zip container cannot be read: {exc}") from exc
    return target, issues


def check_exchange_structure(spf: Path, label: str) -> None:
    """ISO 10303-21 framing: the file opens with ``ISO-10303-21;`` and ends with
    ``END-ISO-10303-21;`` (§5.2). A missing end mark means the file was cut short.

    Raises:
        UnsupportedFormatError: no ISO 10303-21 start token.
        CorruptFileError: no end mark (truncated file).
    """
    size = spf.stat().st_size
    with spf.open("rb") as fh:
        head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        fh.seek(max(0, size - _TAIL_BYTES))
        tail = fh.read().rstrip(b" \t\r\n\x00\x1a")
    if not head.upper().startswith(b"ISO-10303-21;"):
        raise UnsupportedFormatError(f"{label}: not an ISO 10303-21 (STEP/IFC) file")
    if not tail.upper().endswith(_END_MARK):
        raise CorruptFileError(
            f"{label}: the file is truncated: it does not end with END-ISO-10303-21; "
            f"(ISO 10303-21 §5.2); {size} bytes present"
        )


def data_section_is_blank(spf: Path) -> bool:
    """True when nothing but section keywords and whitespace follows the HEADER section."""
    content = spf.read_bytes()
    match = re.search(rb"ENDSEC\s*;", content, re.I)
    rest = content[match.end() :] if match else content
    rest = re.sub(
        rb"DATA\s*(\([^)]*\))?\s*;|ENDSEC\s*;|END-ISO-10303-21\s*;|/\*.*?\*/",
        b"",
        rest,
        flags=re.I | re.S,
    )
    return not rest.strip()


def open_model(spf: Path, label: str) -> tuple[file, list[dict[str, str]]]:
    """Parse ``spf`` with IfcOpenShell; returns the model and the parser's log messages.

    Raises:
        UnsupportedFormatError: the FILE_SCHEMA is not one IfcOpenShell knows.
        CorruptFileError: the header or syntax cannot be parsed.
    """
    import ifcopenshell
    import ifcopenshell.ifcopenshell_wrapper as wrapper

    logger = wrapper.logger()
    logger.output_format(wrapper.logger.FMT_INMEMORY)
    try:
        model = ifcopenshell.open(spf, format=".ifc", logger=logger)
    except ifcopenshell.SchemaError as exc:
        raise UnsupportedFormatError(
            f"{label}: {exc} (IfcOpenShell {ifcopenshell.version} reads IFC2X3, IFC4, IFC4X3)"
        ) from exc
    except (ifcopenshell.Error, RuntimeError, ValueError, UnicodeError) as exc:
        raise CorruptFileError(f"{label}: IfcOpenShell cannot parse the file: {exc}") from exc
    except OSError as exc:
        raise CorruptFileError(f"{label}: the file cannot be read: {exc}") from exc
    messages = [m.to_dict() for m in logger.log_messages()]
    return model, messages


def _classify(text: str, severity: str) -> tuple[str | None, str] | None:
    """(issue code, issue severity) for one parser message; code None means drop it, and the
    result None means the message is informational."""
    for pattern, code, issue_severity in _LOG_RULES:
        if pattern.search(text):
            return code, issue_severity
    if severity == "ERROR":
        return "parse_error", "error"
    if severity == "WARNING":
        return "parse_warning", "warning"
    return None


def log_issues(messages: list[dict[str, str]]) -> list[Issue]:
    """One aggregated issue per kind of parser message (see ``_LOG_RULES``)."""
    from pybase.extraction.ifc_model import clean_text

    groups: dict[str, tuple[str, list[str]]] = {}
    for msg in messages:
        text = clean_text(str(msg.get("message", "")))
        kind = _classify(text, str(msg.get("severity", "")).upper())
        if kind is not None and kind[0] is not None:
            groups.setdefault(kind[0], (kind[1], []))[1].append(text)
    issues = []
    for code, (severity, texts) in groups.items():
        examples = "; ".join(texts[:3])
        issues.append(
            Issue(
                code=code,
                message=f"{len(texts)} parser message(s), e.g. {examples}",
                severity="error" if severity == "error" else "warning",
            )
        )
    return issues
