#!/usr/bin/env python3
"""Checks docs/policy.schema.json against the policy files of tests/data/policy/files and
against the reader in `sbprofile policy`:

- every good-*.json validates against the schema, and sbprofile compiles it without a
  warning about an unknown key;
- every bad-*.json fails the schema, and sbprofile rejects it (exit 65) or warns about it;
- together the good files use every property the schema describes, so a key added to the
  schema and not to the reader (or the other way round) fails here.

The validator below implements the JSON Schema keywords the schema uses and refuses any other,
so the schema cannot say more than is checked."""
import argparse
import json
import os
import re
import subprocess
import sys

KNOWN = {"$schema", "$id", "title", "description", "type", "required", "additionalProperties",
         "properties", "items", "enum", "const", "minimum", "maximum", "minLength", "minItems",
         "pattern", "oneOf", "$ref", "$defs"}
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def resolve(root, schema):
    while "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), ref
        schema = {**root["$defs"][ref[len("#/$defs/"):]],
                  **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def errors(root, schema, value, where, used):
    """The reasons value does not follow schema; records the property paths it used."""
    unknown = set(schema) - KNOWN
    if unknown:
        raise SystemExit(f"schema at {where}: keywords this check does not implement: {unknown}")
    schema = resolve(root, schema)
    out = []
    t = schema.get("type")
    if t == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{where}: expected an integer"]
    elif t is not None and (not isinstance(value, TYPES[t]) or
                            (t != "boolean" and isinstance(value, bool))):
        return [f"{where}: expected {t}"]
    if "const" in schema and value != schema["const"]:
        out.append(f"{where}: expected {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where}: not one of {schema['enum']}")
    if "minimum" in schema and value < schema["minimum"]:
        out.append(f"{where}: below {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        out.append(f"{where}: above {schema['maximum']}")
    if "minLength" in schema and len(value) < schema["minLength"]:
        out.append(f"{where}: shorter than {schema['minLength']}")
    if "minItems" in schema and len(value) < schema["minItems"]:
        out.append(f"{where}: fewer than {schema['minItems']} items")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        out.append(f"{where}: does not match {schema['pattern']}")
    if "oneOf" in schema:
        passing = [s for s in schema["oneOf"] if not errors(root, s, value, where, used)]
        if len(passing) != 1:
            out.append(f"{where}: matches {len(passing)} of the oneOf schemas, not 1")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                out.append(f"{where}: missing {key}")
        for key, v in value.items():
            path = f"{where}.{key}" if where else key
            if key in props:
                used.add(re.sub(r"\[\d+\]", "[]", path))
                out += errors(root, props[key], v, path, used)
            elif isinstance(schema.get("additionalProperties"), dict):
                out += errors(root, schema["additionalProperties"], v, path, used)
            elif schema.get("additionalProperties") is False:
                out.append(f"{path}: not allowed")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            out += errors(root, schema["items"], v, f"{where}[{i}]", used)
    return out


def properties(root, schema, where, seen):
    """Every property path the schema describes."""
    schema = resolve(root, schema)
    found = set()
    for key, sub in schema.get("properties", {}).items():
        path = f"{where}.{key}" if where else key
        found.add(path)
        found |= properties(root, sub, path, seen)
    if "items" in schema:
        found |= properties(root, schema["items"], f"{where}[]", seen)
    for sub in schema.get("oneOf", []):
        found |= properties(root, sub, where, seen)
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", required=True)
    ap.add_argument("--files", required=True)
    ap.add_argument("--sbprofile", required=True)
    args = ap.parse_args()
    root = json.load(open(args.schema))
    described = properties(root, root, "", set()) - {"$schema"}
    used = set()
    failures = 0
    names = sorted(n for n in os.listdir(args.files) if n.endswith(".json"))
    for name in names:
        path = os.path.join(args.files, name)
        doc = json.load(open(path))
        problems = errors(root, root, doc, "", used if name.startswith("good-") else set())
        run = subprocess.run([args.sbprofile, "policy", "--policy", path, "--home", "/Users/u",
                              "--cwd", "/Users/u/w"], capture_output=True, text=True)
        unknown_key = "unknown key" in run.stderr
        if name.startswith("good-"):
            if problems:
                print(f"FAIL {name}: does not follow the schema: {problems}")
                failures += 1
            if run.returncode != 0 or unknown_key:
                print(f"FAIL {name}: sbprofile policy exit {run.returncode}: {run.stderr}")
                failures += 1
        elif name.startswith("bad-"):
            if not problems:
                print(f"FAIL {name}: follows the schema, but is meant not to")
                failures += 1
            if run.returncode == 0 and not unknown_key:
                print(f"FAIL {name}: sbprofile policy accepted it silently")
                failures += 1
        else:
            print(f"FAIL {name}: name it good-*.json or bad-*.json")
            failures += 1
    missing = described - used
    if missing:
        print(f"FAIL no good file uses these schema properties: {sorted(missing)}")
        failures += 1
    print(f"{len(names)} policy files checked against {len(described)} schema properties, "
          f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
