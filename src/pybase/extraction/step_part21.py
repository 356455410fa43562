"""A small reader for ISO 10303-21 ("Part 21", STEP physical file) text.

It does what OCCT does not give us in usable form: the HEADER section (FILE_DESCRIPTION,
FILE_NAME, FILE_SCHEMA), string escapes and raw non-ASCII bytes decoded to readable text, and
the product structure of the DATA section (PRODUCT, PRODUCT_DEFINITION_FORMATION,
PRODUCT_DEFINITION, NEXT_ASSEMBLY_USAGE_OCCURRENCE, DOCUMENT_FILE references). Geometry is
left to OCCT. Pure Python, no OCP import.

Any other instance can be read on demand (:meth:`Part21File.entity`, parsed lazily from the
kept text through an id -> offset index), and the instances of the types in
:data:`INDEXED_TYPES` (PMI, properties, materials, placements, annotations) are listed by type
(:meth:`Part21File.ids_of`), complex instances under each of their partial types.

Rules followed (ISO 10303-21:2016 = 3rd edition, section numbers of that edition):

* §5 / §6.3: the file is ``ISO-10303-21;`` HEADER ``ENDSEC;`` one or more DATA sections
  ``ENDSEC;`` and ``END-ISO-10303-21;``; comments ``/* ... */`` may appear between tokens.
* §6.4.3 strings: decoded by :mod:`pybase.extraction.step_strings` (escapes, and raw
  non-ASCII bytes that some exporters write unescaped).
* §8.2 header entities: FILE_DESCRIPTION(description, implementation_level),
  FILE_NAME(name, time_stamp, author, organization, preprocessor_version,
  originating_system, authorization), FILE_SCHEMA(schema_identifiers).
* §12.2.4 / §11.2.5: a complex entity instance ``#n=(A(...)B(...)...);`` lists its partial
  entity types in alphabetical order, each with the attributes it declares itself.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from pybase.extraction.step_strings import decode_string

__all__ = [
    "INDEXED_TYPES",
    "Entity",
    "Enum",
    "ExternalDocument",
    "Part21Error",
    "Part21File",
    "Product",
    "Ref",
    "Typed",
    "Usage",
    "parse_parameters",
    "read_part21",
]


class Part21Error(ValueError):
    """The text is not an ISO 10303-21 exchange structure (no header, broken header)."""


@dataclass(frozen=True)
class Ref:
    """An entity instance name ``#id`` used as a parameter."""

    id: int


@dataclass(frozen=True)
class Enum:
    """An enumeration / boolean / logical value ``.NAME.`` (``value`` without the dots)."""

    value: str


@dataclass(frozen=True)
class Typed:
    """A typed parameter ``NAME(params)``, e.g. ``LENGTH_MEASURE(0.01)``."""

    name: str
    params: list[Any]


#: ``*``: a value derived in a supertype (ISO 10303-21 §6.4.3.4).
DERIVED = "*"


@dataclass
class Product:
    """A PRODUCT instance: ``id`` and ``name`` attributes decoded; ``occt_name``/``occt_id`` are
    the same strings as OCCT reads them with an ISO 8859-1 code page (escapes decoded, raw bytes
    kept as U+0080..U+00FF), which is how XCAF label names are matched back to products."""

    entity_id: int
    id: str
    name: str
    description: str
    occt_name: str
    occt_id: str

    @property
    def display_name(self) -> str:
        """PRODUCT.name, or PRODUCT.id when the name is blank (what CAD systems show)."""
        return self.name if self.name.strip() else self.id


@dataclass
class Usage:
    """A NEXT_ASSEMBLY_USAGE_OCCURRENCE: ``relating`` (parent) and ``related`` (child) are
    PRODUCT_DEFINITION entity ids."""

    entity_id: int
    id: str
    name: str
    relating: int
    related: int


@dataclass
class ExternalDocument:
    """A DOCUMENT_FILE that holds (part of) a product's definition in another file: ``file_name``
    from APPLIED_EXTERNAL_IDENTIFICATION_ASSIGNMENT.assigned_id (CAx-IF recommended practice for
    external references) or DOCUMENT_FILE.id; ``product_definitions`` from
    APPLIED_DOCUMENT_REFERENCE.items."""

    entity_id: int
    file_name: str
    product_definitions: list[int] = field(default_factory=list)


@dataclass
class Entity:
    """One entity instance, parsed (strings decoded, see :func:`parse_parameters`).

    ``parts`` maps each entity type of the instance to its parameters: a simple instance
    (``#5=CIRCLE('',#6,2.);``) has one entry holding all attributes, supertypes' first; a
    complex instance (``#7=(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT(.MILLI.,.METRE.));``) has one
    entry per partial type with only the attributes that type declares (ISO 10303-21 §12.2.4).
    """

    id: int
    parts: dict[str, list[Any]]
    complex: bool = False

    @property
    def type(self) -> str:
        """The type of a simple instance (the first partial type of a complex one)."""
        return next(iter(self.parts), "")

    def is_a(self, *names: str) -> bool:
        """True when any of ``names`` is the type or one of the partial types."""
        return any(name in self.parts for name in names)

    def get(self, name: str) -> list[Any] | None:
        """The parameters of the partial type ``name``, None when the instance has no such
        part."""
        return self.parts.get(name)


@dataclass
class Part21File:
    """What :func:`read_part21` found.

    Attributes:
        header: header entity name -> its attributes by their ISO 10303-21 §8.2 names
            (e.g. ``header["FILE_NAME"]["author"] == ["User"]``).
        schema_identifiers: FILE_SCHEMA schema names, in order.
        products: PRODUCT entity id -> :class:`Product`.
        product_definitions: PRODUCT_DEFINITION entity id -> PRODUCT entity id.
        usages: NEXT_ASSEMBLY_USAGE_OCCURRENCE instances in file order.
        documents: external DOCUMENT_FILE references.
        instance_count: number of entity instances in the DATA section(s).
        entity_ids: instance ids in file order (OCCT numbers entities in this order).
        entity_offsets: offset of each instance (same order) in the text kept for
            :meth:`entity`.
        syntax_error: first DATA-section syntax error (``"line N: ..."``), None when clean.
        complete: both ``ENDSEC;`` of the DATA section and ``END-ISO-10303-21;`` were found.
        decoded_encodings: code pages used for raw non-ASCII bytes in strings.
    """

    header: dict[str, dict[str, Any]] = field(default_factory=dict)
    schema_identifiers: list[str] = field(default_factory=list)
    products: dict[int, Product] = field(default_factory=dict)
    product_definitions: dict[int, int] = field(default_factory=dict)
    usages: list[Usage] = field(default_factory=list)
    documents: list[ExternalDocument] = field(default_factory=list)
    instance_count: int = 0
    entity_ids: array[int] = field(default_factory=lambda: array("q"))
    entity_offsets: array[int] = field(default_factory=lambda: array("q"), repr=False)
    syntax_error: str | None = None
    complete: bool = False
    decoded_encodings: set[str] = field(default_factory=set)
    _text: str = field(default="", repr=False)
    _by_type: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _ids_sorted: bool = field(default=True, repr=False)
    _ordinal: dict[int, int] | None = field(default=None, repr=False)
    _cache: dict[int, Entity | None] = field(default_factory=dict, repr=False)

    def product_of_definition(self, pd_id: int) -> Product | None:
        """The PRODUCT behind a PRODUCT_DEFINITION entity id (through its formation)."""
        product_id = self.product_definitions.get(pd_id)
        return self.products.get(product_id) if product_id is not None else None

    def _position(self, entity_id: int) -> int | None:
        ids = self.entity_ids
        if self._ids_sorted:
            pos = bisect_left(ids, entity_id)
            return pos if pos < len(ids) and ids[pos] == entity_id else None
        if self._ordinal is None:
            self._ordinal = {}
            for pos, known in enumerate(ids):
                self._ordinal.setdefault(known, pos)
        return self._ordinal.get(entity_id)

    def entity(self, entity_id: int | Ref | None) -> Entity | None:
        """The instance ``#entity_id`` parsed, or None when the file has no such instance or
        its parameters are malformed. Results are cached."""
        if isinstance(entity_id, Ref):
            entity_id = entity_id.id
        if not isinstance(entity_id, int):
            return None
        if entity_id in self._cache:
            return self._cache[entity_id]
        found: Entity | None = None
        pos = self._position(entity_id)
        if pos is not None:
            m = _INSTANCE.match(self._text, self.entity_offsets[pos])
            if m is not None:
                try:
                    found = _entity(entity_id, m.group(2), m.group(3), self.decoded_encodings)
                except (Part21Error, IndexError):
                    found = None
        self._cache[entity_id] = found
        return found

    def ids_of(self, *types: str) -> list[int]:
        """Ids of the instances of the given types (each of them in :data:`INDEXED_TYPES`;
        a complex instance counts under each partial type), each once, in file order."""
        positions: set[int] = set()
        for name in types:
            positions.update(self._by_type.get(name, ()))
        return [self.entity_ids[pos] for pos in sorted(positions)]

    def entities_of(self, *types: str) -> list[Entity]:
        """The parsed instances of :meth:`ids_of` (malformed ones left out), keeping only those
        that really have one of ``types`` (a complex instance is found by a text scan first)."""
        out: list[Entity] = []
        for entity_id in self.ids_of(*types):
            entity = self.entity(entity_id)
            if entity is not None and entity.is_a(*types):
                out.append(entity)
        return out


# --------------------------------------------------------------------------------------------
# parameters


_TOKEN = re.compile(
    r"""(?P<ws>(?:\s+|/\*.*?\*/)+)
    |'(?P<str>(?:[^']|'')*)'
    |\#(?P<ref>\d+)
    |\.(?P<enum>[A-Za-z_][A-Za-z0-9_]*)\.
    |(?P<num>[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)
    |"(?P<bin>[0-9A-Fa-f]*)"
    |(?P<kw>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<punct>[(),$*])""",
    re.X | re.S,
)


@dataclass
class _StringValue:
    text: str
    occt: str


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    length = len(text)
    while pos < length:
        m = _TOKEN.match(text, pos)
        if m is None:
            raise Part21Error(f"unexpected character {text[pos]!r}")
        pos = m.end()
        kind = m.lastgroup
        if kind == "ws" or kind is None:
            continue
        tokens.append((kind, m.group(kind)))
    return tokens


def _parse_list(tokens: list[tuple[str, str]], i: int, used: set[str]) -> tuple[list[Any], int]:
    """Parse ``( p, p, ... )`` starting at the ``(`` token ``i``; return values and next index."""
    if tokens[i] != ("punct", "("):
        raise Part21Error("expected '('")
    i += 1
    values: list[Any] = []
    if i < len(tokens) and tokens[i] == ("punct", ")"):
        return values, i + 1
    while i < len(tokens):
        kind, value = tokens[i]
        item: Any
        if kind == "str":
            text, occt = decode_string(value, used)
            item = _StringValue(text, occt)
            i += 1
        elif kind == "ref":
            item = Ref(int(value))
            i += 1
        elif kind == "enum":
            item = Enum(value.upper())
            i += 1
        elif kind == "num":
            item = float(value) if ("." in value or "e" in value or "E" in value) else int(value)
            i += 1
        elif kind == "bin":
            item = value
            i += 1
        elif kind == "kw":
            params, i = _parse_list(tokens, i + 1, used)
            item = Typed(value.upper(), params)
        elif value == "(":
            item, i = _parse_list(tokens, i, used)
        elif value == "$":
            item = None
            i += 1
        elif value == "*":
            item = DERIVED
            i += 1
        else:
            raise Part21Error(f"unexpected {value!r}")
        values.append(item)
        if i >= len(tokens):
            break
        if tokens[i] == ("punct", ","):
            i += 1
            continue
        if tokens[i] == ("punct", ")"):
            return values, i + 1
        raise Part21Error(f"expected ',' or ')' but found {tokens[i][1]!r}")
    raise Part21Error("unbalanced parentheses")


def _plain(value: Any) -> Any:
    """Replace internal string wrappers by their readable text (recursively)."""
    if isinstance(value, _StringValue):
        return value.text
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Typed):
        return Typed(value.name, [_plain(v) for v in value.params])
    return value


def parse_parameters(text: str, used: set[str] | None = None) -> list[Any]:
    """Parse a parenthesised Part 21 parameter list, e.g. ``"('a',#12,(1.,2.),.T.,$)"``.

    Returns:
        Python values: ``str`` (decoded), :class:`Ref`, ``int``/``float``, :class:`Enum`,
        ``None`` for ``$``, ``"*"`` for a derived value, ``list`` for aggregates and
        :class:`Typed` for typed parameters.

    Raises:
        Part21Error: the text is not a well-formed parameter list.
    """
    values, _ = _parse_raw(text, used if used is not None else set())
    return [_plain(v) for v in values]


def _parse_complex(text: str, used: set[str]) -> dict[str, list[Any]]:
    """Parse the body of a complex instance, ``(A(...)B(...))``, into type -> parameters."""
    tokens = _tokenize(text)
    if not tokens or tokens[0] != ("punct", "("):
        raise Part21Error("a complex instance starts with '('")
    parts: dict[str, list[Any]] = {}
    i = 1
    while i < len(tokens):
        kind, value = tokens[i]
        if (kind, value) == ("punct", ")"):
            if i + 1 != len(tokens):
                raise Part21Error("text after the complex instance")
            return parts
        if kind != "kw":
            raise Part21Error(f"expected a partial entity name but found {value!r}")
        params, i = _parse_list(tokens, i + 1, used)
        parts[value.upper()] = [_plain(v) for v in params]
    raise Part21Error("unbalanced parentheses")


def _entity(entity_id: int, type_name: str | None, body: str, used: set[str]) -> Entity:
    if type_name is None:
        return Entity(entity_id, _parse_complex(body, used), complex=True)
    values, _ = _parse_raw(body, used)
    return Entity(entity_id, {type_name.upper(): [_plain(v) for v in values]})


def _parse_raw(text: str, used: set[str]) -> tuple[list[Any], int]:
    tokens = _tokenize(text)
    if not tokens:
        raise Part21Error("empty parameter list")
    values, end = _parse_list(tokens, 0, used)
    if end != len(tokens):
        raise Part21Error("text after the parameter list")
    return values, end


# --------------------------------------------------------------------------------------------
# file structure


_GAP = re.compile(r"(?:\s++|/\*.*?\*/)*+", re.S)
_MAGIC = re.compile(r"ISO-10303-21\s*;", re.I)
_KEYWORD = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)")
# One entity instance: #id = TYPE(...); or #id = (complex);  Strings may hold ';' and '/*'.
_INSTANCE = re.compile(
    r"#(\d+)\s*+=\s*+(?:/\*.*?\*/\s*+)*+([A-Za-z_][A-Za-z0-9_]*+)?"
    r"((?:'(?:[^']++|'')*+'|/\*.*?\*/|[^';/]++|/)*+);",
    re.S,
)
_HEADER_ENTITY = re.compile(
    r"([A-Za-z_][A-Za-z0-9_]*)\s*((?:'(?:[^']++|'')*+'|/\*.*?\*/|[^';/]++|/)*+);", re.S
)

#: ISO 10303-21 §8.2 attribute names of the three mandatory header entities.
HEADER_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "FILE_DESCRIPTION": ("description", "implementation_level"),
    "FILE_NAME": (
        "name",
        "time_stamp",
        "author",
        "organization",
        "preprocessor_version",
        "originating_system",
        "authorization",
    ),
    "FILE_SCHEMA": ("schema_identifiers",),
}

_WANTED = frozenset(
    {
        "PRODUCT",
        "PRODUCT_DEFINITION_FORMATION",
        "PRODUCT_DEFINITION_FORMATION_WITH_SPECIFIED_SOURCE",
        "PRODUCT_DEFINITION",
        "PRODUCT_DEFINITION_WITH_ASSOCIATED_DOCUMENTS",
        "NEXT_ASSEMBLY_USAGE_OCCURRENCE",
        "DOCUMENT_FILE",
        "APPLIED_DOCUMENT_REFERENCE",
        "APPLIED_EXTERNAL_IDENTIFICATION_ASSIGNMENT",
    }
)


#: Entity types whose instances :meth:`Part21File.ids_of` lists (the product structure above,
#: and what the PMI, material, validation-property, placement and annotation readers start
#: from). Geometry types are not indexed: OCCT reads geometry.
INDEXED_TYPES: frozenset[str] = _WANTED | frozenset(
    {
        # ISO 10303-47 shape tolerances, AP242 semantic PMI
        "GEOMETRIC_TOLERANCE",
        "ANGULARITY_TOLERANCE",
        "CIRCULAR_RUNOUT_TOLERANCE",
        "COAXIALITY_TOLERANCE",
        "CONCENTRICITY_TOLERANCE",
        "CYLINDRICITY_TOLERANCE",
        "FLATNESS_TOLERANCE",
        "LINE_PROFILE_TOLERANCE",
        "PARALLELISM_TOLERANCE",
        "PERPENDICULARITY_TOLERANCE",
        "POSITION_TOLERANCE",
        "ROUNDNESS_TOLERANCE",
        "STRAIGHTNESS_TOLERANCE",
        "SURFACE_PROFILE_TOLERANCE",
        "SYMMETRY_TOLERANCE",
        "TOTAL_RUNOUT_TOLERANCE",
        "GEOMETRIC_TOLERANCE_RELATIONSHIP",
        "TOLERANCE_ZONE",
        "PROJECTED_ZONE_DEFINITION",
        "DATUM",
        "DATUM_TARGET",
        "DATUM_SYSTEM",
        "DIMENSIONAL_SIZE",
        "ANGULAR_SIZE",
        "DIMENSIONAL_SIZE_WITH_PATH",
        "DIMENSIONAL_LOCATION",
        "ANGULAR_LOCATION",
        "DIMENSIONAL_LOCATION_WITH_PATH",
        "DIRECTED_DIMENSIONAL_LOCATION",
        "DIMENSIONAL_CHARACTERISTIC_REPRESENTATION",
        "PLUS_MINUS_TOLERANCE",
        # properties and materials (ISO 10303-41/-45, CAx-IF recommended practices)
        "PROPERTY_DEFINITION",
        "PROPERTY_DEFINITION_REPRESENTATION",
        "MATERIAL_DESIGNATION",
        "MAKE_FROM_USAGE_OPTION",
        "PRODUCT_RELATED_PRODUCT_CATEGORY",
        "PRODUCT_DEFINITION_SHAPE",
        # placements of assembly components (ISO 10303-44 §4.2, AP214 assembly structure)
        "CONTEXT_DEPENDENT_SHAPE_REPRESENTATION",
        "SHAPE_DEFINITION_REPRESENTATION",
        # presentation (graphical) PMI and annotation text
        "ANNOTATION_OCCURRENCE",
        "ANNOTATION_CURVE_OCCURRENCE",
        "ANNOTATION_TEXT_OCCURRENCE",
        "ANNOTATION_SYMBOL_OCCURRENCE",
        "ANNOTATION_FILL_AREA_OCCURRENCE",
        "ANNOTATION_POINT_OCCURRENCE",
        "ANNOTATION_PLACEHOLDER_OCCURRENCE",
        "DRAUGHTING_ANNOTATION_OCCURRENCE",
        "TESSELLATED_ANNOTATION_OCCURRENCE",
        "DRAUGHTING_CALLOUT",
        "TEXT_LITERAL",
    }
)

_COMPLEX_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _skip(text: str, pos: int) -> int:
    m = _GAP.match(text, pos)
    return m.end() if m else pos


def _expect_keyword(text: str, pos: int, keyword: str) -> int | None:
    """Position after ``KEYWORD ;`` at ``pos`` (after whitespace), or None."""
    pos = _skip(text, pos)
    m = _KEYWORD.match(text, pos)
    if m is None or m.group(1).upper() != keyword:
        return None
    pos = _skip(text, m.end())
    if not text.startswith(";", pos):
        return None
    return pos + 1


def _parse_header(text: str, pos: int, result: Part21File) -> int:
    """Parse HEADER entities from ``pos`` up to and including its ``ENDSEC;``."""
    while True:
        pos = _skip(text, pos)
        end = _expect_keyword(text, pos, "ENDSEC")
        if end is not None:
            return end
        m = _HEADER_ENTITY.match(text, pos)
        if m is None:
            raise Part21Error(f"line {_line_of(text, pos)}: malformed HEADER entity")
        name = m.group(1).upper()
        try:
            params = parse_parameters(m.group(2), result.decoded_encodings)
        except Part21Error as exc:
            raise Part21Error(f"line {_line_of(text, pos)}: {name}: {exc}") from exc
        names = HEADER_ATTRIBUTES.get(name)
        if names is None:
            result.header[name] = {f"attribute_{i + 1}": v for i, v in enumerate(params)}
        else:
            result.header[name] = dict(zip(names, params, strict=False))
        pos = m.end()


def read_part21(data: bytes) -> Part21File:
    """Read the header and the product structure of a STEP Part 21 file.

    Args:
        data: the whole file.

    Returns:
        A :class:`Part21File`. Problems in the DATA section do not raise: the first one is in
        ``syntax_error`` and ``complete`` is False when the file ends early.

    Raises:
        Part21Error: no ``ISO-10303-21;`` start, or the HEADER section is missing or broken,
            or it has no FILE_SCHEMA.
    """
    text = data.decode("latin-1")
    result = Part21File(_text=text)
    m = _MAGIC.search(text, 0, 4096)
    if m is None or text[: m.start()].strip():
        raise Part21Error("the file does not start with ISO-10303-21;")
    pos = _expect_keyword(text, m.end(), "HEADER")
    if pos is None:
        raise Part21Error("no HEADER section after ISO-10303-21;")
    pos = _parse_header(text, pos, result)
    schema = result.header.get("FILE_SCHEMA", {}).get("schema_identifiers")
    if not isinstance(schema, list) or not schema:
        raise Part21Error("the HEADER has no FILE_SCHEMA")
    result.schema_identifiers = [str(s) for s in schema if isinstance(s, str)]
    _read_data_sections(text, pos, result)
    return result


_DATA_START = re.compile(r"DATA\s*(?:\(|;)", re.I)


def _read_data_sections(text: str, pos: int, result: Part21File) -> None:
    bodies: dict[str, list[tuple[int, str]]] = {name: [] for name in _WANTED}
    ids = result.entity_ids
    offsets = result.entity_offsets
    by_type = result._by_type
    previous = -1
    while True:
        pos = _skip(text, pos)
        end = _expect_keyword(text, pos, "END-ISO-10303-21")
        if end is not None:
            result.complete = result.syntax_error is None
            break
        m = _DATA_START.match(text, pos)
        if m is None:
            if pos >= len(text):
                result.syntax_error = (
                    result.syntax_error or "the file ends before END-ISO-10303-21;"
                )
            else:
                result.syntax_error = result.syntax_error or (
                    f"line {_line_of(text, pos)}: expected DATA or END-ISO-10303-21;"
                )
            break
        pos = text.find(";", m.start()) + 1
        closed = False
        while True:
            pos = _skip(text, pos)
            end = _expect_keyword(text, pos, "ENDSEC")
            if end is not None:
                pos = end
                closed = True
                break
            inst = _INSTANCE.match(text, pos)
            if inst is None:
                where = _line_of(text, pos)
                if pos >= len(text):
                    result.syntax_error = "the DATA section ends without ENDSEC;"
                else:
                    result.syntax_error = f"line {where}: not an entity instance"
                break
            entity_id = int(inst.group(1))
            ordinal = len(ids)
            ids.append(entity_id)
            offsets.append(pos)
            if entity_id <= previous:
                result._ids_sorted = False
            previous = entity_id
            type_name = inst.group(2)
            if type_name is not None:
                upper = type_name.upper()
                if upper in INDEXED_TYPES:
                    by_type.setdefault(upper, []).append(ordinal)
                    if upper in _WANTED:
                        bodies[upper].append((entity_id, inst.group(3)))
            else:
                seen: set[str] = set()
                for name in _COMPLEX_PART.findall(inst.group(3)):
                    upper = name.upper()
                    if upper in INDEXED_TYPES and upper not in seen:
                        seen.add(upper)
                        by_type.setdefault(upper, []).append(ordinal)
            pos = inst.end()
        if not closed:
            break
    result.instance_count = len(ids)
    _build_structure(bodies, result)


def _text(value: Any) -> str:
    return value.text if isinstance(value, _StringValue) else ""


def _occt(value: Any) -> str:
    return value.occt if isinstance(value, _StringValue) else ""


def _ref(value: Any) -> int | None:
    return value.id if isinstance(value, Ref) else None


def _refs(value: Any) -> list[int]:
    if isinstance(value, list):
        return [v.id for v in value if isinstance(v, Ref)]
    return []


def _build_structure(bodies: dict[str, list[tuple[int, str]]], result: Part21File) -> None:
    """Turn the bodies of the wanted entity types into products / usages / documents."""
    used = result.decoded_encodings

    def params_of(entity_type: str) -> list[tuple[int, list[Any]]]:
        out: list[tuple[int, list[Any]]] = []
        for entity_id, body in bodies[entity_type]:
            try:
                out.append((entity_id, _parse_raw(body, used)[0]))
            except (Part21Error, IndexError):
                if result.syntax_error is None:
                    result.syntax_error = f"#{entity_id}: malformed {entity_type} parameters"
        return out

    for entity_id, p in params_of("PRODUCT"):
        if len(p) >= 2:
            result.products[entity_id] = Product(
                entity_id=entity_id,
                id=_text(p[0]),
                name=_text(p[1]),
                description=_text(p[2]) if len(p) > 2 else "",
                occt_id=_occt(p[0]),
                occt_name=_occt(p[1]),
            )
    formations: dict[int, int] = {}
    for name in (
        "PRODUCT_DEFINITION_FORMATION",
        "PRODUCT_DEFINITION_FORMATION_WITH_SPECIFIED_SOURCE",
    ):
        for entity_id, p in params_of(name):
            product = _ref(p[2]) if len(p) > 2 else None
            if product is not None:
                formations[entity_id] = product
    for name in ("PRODUCT_DEFINITION", "PRODUCT_DEFINITION_WITH_ASSOCIATED_DOCUMENTS"):
        for entity_id, p in params_of(name):
            formation = _ref(p[2]) if len(p) > 2 else None
            if formation is not None and formation in formations:
                result.product_definitions[entity_id] = formations[formation]
    for entity_id, p in params_of("NEXT_ASSEMBLY_USAGE_OCCURRENCE"):
        if len(p) >= 5:
            relating, related = _ref(p[3]), _ref(p[4])
            if relating is not None and related is not None:
                result.usages.append(Usage(entity_id, _text(p[0]), _text(p[1]), relating, related))
    external_ids: dict[int, str] = {}
    for _entity_id, p in params_of("APPLIED_EXTERNAL_IDENTIFICATION_ASSIGNMENT"):
        if len(p) >= 4 and _text(p[0]).strip():
            for item in _refs(p[3]):
                external_ids.setdefault(item, _text(p[0]).strip())
    references: dict[int, list[int]] = {}
    for _entity_id, p in params_of("APPLIED_DOCUMENT_REFERENCE"):
        if len(p) >= 3:
            document = _ref(p[0])
            if document is not None:
                references.setdefault(document, []).extend(_refs(p[2]))
    for entity_id, p in params_of("DOCUMENT_FILE"):
        file_name = external_ids.get(entity_id) or (_text(p[0]).strip() if p else "")
        if file_name:
            result.documents.append(
                ExternalDocument(entity_id, file_name, references.get(entity_id, []))
            )
