"""A PEP 517 build backend for the sbprofile package, with nothing to install first.

The package is pure Python (it loads the C library at run time), so a wheel is a zip of
sbprofile/ with the three dist-info files the wheel format requires. Keeping the backend in
the source tree means `pip install ./bindings/python` works offline and on systems without
setuptools or wheel. The project's metadata is read from pyproject.toml.
"""

import base64
import hashlib
import os
import re
import tarfile
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "sbprofile"
WHEEL_TAG = "py3-none-any"


def _project():
    """name, version, description, requires-python from pyproject.toml's [project] table
    (plain key = "string" lines; Python before 3.11 has no TOML reader)."""
    with open(os.path.join(HERE, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    table = text.split("[project]", 1)[1].split("\n[", 1)[0]
    fields = dict(re.findall(r'^([a-z-]+)\s*=\s*"([^"]*)"', table, re.M))
    return fields


def _files():
    """The package's files, relative to HERE, in a stable order."""
    out = []
    for root, dirs, names in os.walk(os.path.join(HERE, PACKAGE)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for n in sorted(names):
            if n.endswith((".py", ".pyi")) or n == "py.typed":
                out.append(os.path.relpath(os.path.join(root, n), HERE))
    return out


def _metadata(p):
    return (f"Metadata-Version: 2.1\nName: {p['name']}\nVersion: {p['version']}\n"
            f"Summary: {p.get('description', '')}\nLicense: MIT\n"
            f"Requires-Python: {p.get('requires-python', '>=3.8')}\n"
            "Classifier: Typing :: Typed\n")


def _dist_info(p):
    return f"{p['name']}-{p['version']}.dist-info"


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    p = _project()
    d = os.path.join(metadata_directory, _dist_info(p))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "METADATA"), "w", encoding="utf-8") as f:
        f.write(_metadata(p))
    return _dist_info(p)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    p = _project()
    name = f"{p['name']}-{p['version']}-{WHEEL_TAG}.whl"
    info = _dist_info(p)
    record = []
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as z:
        def add(arcname, data):
            z.writestr(arcname, data)
            record.append(_record_line(arcname, data))
        for rel in _files():
            with open(os.path.join(HERE, rel), "rb") as f:
                add(rel.replace(os.sep, "/"), f.read())
        add(f"{info}/METADATA", _metadata(p).encode())
        add(f"{info}/WHEEL", (f"Wheel-Version: 1.0\nGenerator: sbprofile_build\n"
                              f"Root-Is-Purelib: true\nTag: {WHEEL_TAG}\n").encode())
        record.append(f"{info}/RECORD,,")
        z.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return name


def build_sdist(sdist_directory, config_settings=None):
    p = _project()
    base = f"{p['name']}-{p['version']}"
    name = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as t:
        for rel in _files() + ["pyproject.toml", os.path.join("_build", "sbprofile_build.py")]:
            t.add(os.path.join(HERE, rel), arcname=f"{base}/{rel}")
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = _metadata(p).encode()
        info.size = len(data)
        import io
        t.addfile(info, io.BytesIO(data))
    return name
