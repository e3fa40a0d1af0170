"""A small reader of model.safetensors and the parameters hash of docs/api.md (Summary.parameters_sha256)."""

from __future__ import annotations

import hashlib
import json
import struct
from typing import Dict, Tuple


def read_tensors(path: str) -> Tuple[Dict[str, bytes], Dict[str, str]]:
    """Each tensor's raw bytes by name, and the file's __metadata__; every tensor must be F32 (little-endian)."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError(f"{path}: {len(blob)} bytes is too short for a safetensors file")
    (header_size,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + header_size])
    data = blob[8 + header_size:]
    metadata = header.pop("__metadata__", {})
    tensors: Dict[str, bytes] = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {info['dtype']}, expected F32")
        start, end = info["data_offsets"]
        count = 1
        for dim in info["shape"]:
            count *= dim
        if end - start != 4 * count or end > len(data):
            raise ValueError(f"{path}: tensor {name} has offsets {start}..{end} for shape {info['shape']}")
        tensors[name] = data[start:end]
    return tensors, metadata


def parameters_sha256(path: str) -> str:
    """SHA-256 over every tensor's float32 little-endian bytes, tensors in ordinal (code point) order of their names."""
    tensors, _ = read_tensors(path)
    digest = hashlib.sha256()
    for name in sorted(tensors):
        digest.update(tensors[name])
    return digest.hexdigest()
