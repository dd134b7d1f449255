"""Strict input validation for the loopback fal.ai and Replicate fakes, built with pydantic from documented schemas.

Each schema is the plain JSON the fakes keep beside them (`fal_schemas.json`, `REPLICATE_SCHEMAS`): object
properties with a type (string, integer, number, boolean, enum, array, object, union), optional bounds and an
`optional` flag. It becomes a pydantic model that forbids extra fields, so a field the docs do not list, a value
outside a documented range or enum, a wrong type or a missing required field fails the way fal's own FastAPI/
pydantic backend fails: a 422 whose detail is a list of {loc, msg, type}.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
)
from pydantic import create_model as _create_model

FAL_SCHEMAS = Path(__file__).with_name("fal_schemas.json")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _type(spec: dict[str, Any], name: str) -> Any:
    kind = spec["type"]
    if kind == "string":
        return StrictStr
    if kind == "integer":
        return StrictInt
    if kind == "number":
        return Union[StrictInt, StrictFloat]  # noqa: UP007 (a runtime type expression)
    if kind == "boolean":
        return StrictBool
    if kind == "enum":
        return Literal[tuple(spec["enum"])]
    if kind == "array":
        return list[_annotated(spec["items"], name + "Item")]
    if kind == "object":
        return model_for(spec, name)
    if kind == "union":
        return Union[tuple(_annotated(o, f"{name}{i}") for i, o in enumerate(spec["anyOf"]))]  # noqa: UP007
    if kind == "any":
        return Any
    raise ValueError(f"unknown schema type {kind!r} in {name}")


def _annotated(spec: dict[str, Any], name: str) -> Any:
    from typing import Annotated

    bounds: dict[str, Any] = {}
    if "min" in spec:
        bounds["ge"] = spec["min"]
    if "max" in spec:
        bounds["le"] = spec["max"]
    if "minItems" in spec:
        bounds["min_length"] = spec["minItems"]
    if "maxItems" in spec:
        bounds["max_length"] = spec["maxItems"]
    base = _type(spec, name)
    if spec.get("nullable"):
        base = Union[base, None]  # noqa: UP007
    return Annotated[base, Field(**bounds)] if bounds else base


def model_for(schema: dict[str, Any], name: str = "Input") -> type[BaseModel]:
    """A pydantic model (extra fields forbidden) for an object schema."""
    fields: dict[str, Any] = {}
    for key, spec in schema.get("properties", {}).items():
        # An optional field may be left out; a null it cannot hold is still refused (the default is not validated).
        fields[key] = (_annotated(spec, name + key.title().replace("_", "")), None if spec.get("optional") else ...)
    return _create_model(name, __base__=_Strict, **fields)


def errors(model: type[BaseModel], data: Any) -> list[dict[str, Any]]:
    """pydantic-style error dicts ({loc, msg, type}); [] when `data` is valid."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return [{"loc": ["body", *map(str, e["loc"])], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
    return []


@cache
def fal_catalog() -> dict[str, dict[str, Any]]:
    """endpoint id -> {source, schema_from, input} from fal_schemas.json."""
    return json.loads(FAL_SCHEMAS.read_text())["endpoints"]


@cache
def fal_model(endpoint: str) -> type[BaseModel] | None:
    entry = fal_catalog().get(endpoint)
    if entry is None:
        return None
    return model_for(entry["input"], "Fal" + "".join(p.title() for p in endpoint.replace(".", "_").split("/")))
