"""Arrow schemas derived from the pydantic row models, and rows <-> tables."""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from typing import Any, Literal

import pyarrow as pa
from pydantic import BaseModel

from schemas.models import SCHEMA_VERSION, Arrow, Article, Duplicate, Reject

_SCALARS: dict[type, pa.DataType] = {
    str: pa.string(),
    int: pa.int64(),
    float: pa.float64(),
    bool: pa.bool_(),
    date: pa.date32(),
    datetime: pa.timestamp("us", tz="UTC"),
}


def _arrow_type(annotation: Any, metadata: list[Any]) -> tuple[pa.DataType, bool]:
    """Map one field annotation to (Arrow type, nullable)."""
    for marker in metadata:
        if isinstance(marker, Arrow):
            nullable = _is_optional(annotation)
            return marker.type, nullable
    nullable = _is_optional(annotation)
    inner = _strip_optional(annotation)
    origin = typing.get_origin(inner)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(inner)
        return _arrow_type(base, list(extra))[0], nullable
    if origin is list:
        (item,) = typing.get_args(inner)
        return pa.list_(pa.field("item", _arrow_type(item, [])[0], nullable=False)), nullable
    if origin is Literal:
        return pa.string(), nullable
    if inner in _SCALARS:
        return _SCALARS[inner], nullable
    raise TypeError(f"no Arrow mapping for {annotation!r}")


def _is_optional(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _is_optional(typing.get_args(annotation)[0])
    return origin in (typing.Union, types.UnionType) and type(None) in typing.get_args(annotation)


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


@cache
def arrow_schema(model: type[BaseModel]) -> pa.Schema:
    """The Arrow schema of a row model, in field order, with `schema_version` in its metadata."""
    fields = []
    for name, info in model.model_fields.items():
        type_, nullable = _arrow_type(info.annotation, list(info.metadata))
        fields.append(pa.field(name, type_, nullable=nullable))
    return pa.schema(fields, metadata={"presswash.schema_version": str(SCHEMA_VERSION)})


ARTICLES = arrow_schema(Article)
DUPLICATES = arrow_schema(Duplicate)
REJECTS = arrow_schema(Reject)


def to_table(rows: Sequence[Any], model: type[BaseModel]) -> pa.Table:
    """Rows (models, their dumps, or objects with the model's fields as attributes) as an
    Arrow table with the model's exact schema.

    Built column by column: a run's duplicates can be a million rows, and a dict
    per row (`model_dump`, `from_pylist`) would double the flow's memory at commit.
    Row fields are flat (scalars, dates, lists of strings), so attributes are what
    `model_dump` would give.
    """
    schema = arrow_schema(model)
    columns: dict[str, list[Any]] = {}
    for name in schema.names:
        columns[name] = [r[name] if isinstance(r, dict) else getattr(r, name) for r in rows]
    return pa.table(columns, schema=schema)
