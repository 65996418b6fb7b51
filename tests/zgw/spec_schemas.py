"""The official ZGW OpenAPI component schemas as plain JSON Schemas, for
hypothesis-jsonschema (``tests/zgw/test_spec_properties.py``).

OpenAPI 3.0 → JSON Schema: every ``$ref`` is inlined; ``nullable: true`` becomes "this
schema or null"; ``readOnly`` / ``writeOnly`` are dropped (we read *responses*, which
carry the readOnly fields); ``discriminator``, ``example``, titles and descriptions go.
Objects get ``additionalProperties: false`` so the generator spends its time on the
fields the spec names (extra keys are allowed by the spec and ignored by the mapping).
"""

from __future__ import annotations

import copy
import types
from functools import lru_cache
from typing import Any

import yaml
from hypothesis.internal.conjecture import utils as conjecture_utils
from hypothesis_jsonschema import _from_schema

from tests.zgw.contract import SPEC_DIR, SPEC_FILES


class _ManyWithMore:
    """hypothesis-jsonschema 0.23.1 draws an object's keys with ``while many.more():``;
    Hypothesis 6.1xx replaced that API by ``with many(...) as elements: for _ in
    elements:`` (AttributeError: 'many' object has no attribute 'more'). This adapter
    gives the library the old API on top of the new one, for the library's module only
    (Hypothesis itself keeps its own ``many``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._many = conjecture_utils.many(*args, **kwargs)
        self._many.__enter__()
        self._elements = iter(self._many)

    def more(self) -> bool:
        try:
            next(self._elements)
        except StopIteration:
            self._many.__exit__(None, None, None)
            return False
        return True

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


if not hasattr(conjecture_utils.many, "more"):
    _patched = types.ModuleType(conjecture_utils.__name__)
    _patched.__dict__.update(conjecture_utils.__dict__)
    _patched.many = _ManyWithMore  # type: ignore[attr-defined]
    _from_schema.cu = _patched  # type: ignore[attr-defined]

_DROP = frozenset({"readOnly", "writeOnly", "discriminator", "example", "title", "description", "xml"})


@lru_cache
def _components(api: str) -> dict[str, Any]:
    with (SPEC_DIR / SPEC_FILES[api]).open() as handle:
        return yaml.safe_load(handle)["components"]["schemas"]


def _convert(node: Any, components: dict[str, Any], depth: int) -> Any:
    if depth > 40:
        raise RecursionError("a recursive schema")
    if isinstance(node, list):
        return [_convert(item, components, depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        return _convert(copy.deepcopy(components[name]), components, depth + 1)
    nullable = bool(node.get("nullable"))
    converted = {
        key: _convert(value, components, depth + 1)
        for key, value in node.items()
        if key not in _DROP and key != "nullable"
    }
    if converted.get("type") == "object" or "properties" in converted:
        converted.setdefault("additionalProperties", False)
    if converted.get("format") == "uri":
        converted["format"] = "zgw-uri"  # our own strategy: http(s) addresses (see test_spec_properties)
    if "enum" in converted and nullable and None not in converted["enum"]:
        converted["enum"] = [*converted["enum"], None]
    if nullable:
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def schema(api: str, name: str, *, required: tuple[str, ...] = (), drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """The component ``name`` of ``api`` as a JSON Schema. ``required`` adds fields the
    API always returns though the schema does not list them; ``drop`` leaves out fields
    the portal never reads and that only slow generation down (e.g. GeoJSON geometry)."""
    components = _components(api)
    source = copy.deepcopy(components[name])
    converted = _convert(source, components, 0)
    target = converted
    if "allOf" in converted:  # a polymorphic Rol: merge the parts into one object
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": [], "additionalProperties": False}
        for part in converted["allOf"]:
            merged["properties"].update(part.get("properties", {}))
            merged["required"].extend(part.get("required", []))
        target = converted = merged
    for field in drop:
        target.get("properties", {}).pop(field, None)
        if field in target.get("required", []):
            target["required"] = [item for item in target["required"] if item != field]
    if required:
        target["required"] = sorted({*target.get("required", []), *required})
    return converted
