"""Loads one run folder's model into PyTorch (model.py, strict) and compares its outputs with rnn predict's.

Usage: pytorch-load-check.py RUN_FOLDER DATA PREDICTIONS.jsonl
The inputs are rebuilt here from DATA as docs/job-format.md describes each data kind, independently of the C# readers.
"""
import csv
import gzip
import json
import struct
import sys

import numpy as np
import torch

TOLERANCE = 1e-4


def read_safetensors(path):
    """An independent reader (numpy): the tensors by name and the metadata."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    metadata = header.pop("__metadata__", {})
    body = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        assert entry["dtype"] == "F32", (name, entry["dtype"])
        begin, end = entry["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(body[begin:end], dtype="<f4").reshape(entry["shape"]).copy())
    return tensors, metadata


def inputs(job, data, metadata, count):
    kind = job["data"]["kind"]
    if kind == "mnist-rows":
        with gzip.open(data + "/test-images-idx3-ubyte.gz") as f:
            raw = f.read()
        n, rows, cols = struct.unpack(">III", raw[4:16])
        pixels = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, rows, cols)[:count]
        return torch.from_numpy(pixels.astype(np.float32) / np.float32(255)), None
    if kind == "csv":
        with open(data, newline="", encoding="utf-8") as f:
            values = [float(row[job["data"]["column"]]) for row in csv.DictReader(f)]
        mean, std = float(metadata["normalization_mean"]), float(metadata["normalization_std"])
        window = job["data"]["window"]
        series = ((np.array(values) - mean) / std).astype(np.float32)
        windows = np.stack([series[s:s + window] for s in range(count)])
        return torch.from_numpy(windows[:, :, None]), None
    if kind == "text":
        codes = [int(c) for c in metadata["vocabulary"].split(",")]
        index = {c: i + 1 for i, c in enumerate(codes)}  # 0 is the unknown character
        with open(data, encoding="utf-8-sig") as f:
            text = f.read()
        tokens = [index.get(ord(ch), 0) for ch in text]
        window = job["data"]["window"]
        return torch.tensor([tokens[s * window:(s + 1) * window] for s in range(count)], dtype=torch.long), "last-step"
    if kind == "text_column":
        # Each row's characters through the saved vocabulary, padded to the longest, with their lengths.
        codes = [int(c) for c in metadata["vocabulary"].split(",")]
        index = {c: i + 1 for i, c in enumerate(codes)}
        with open(data, newline="", encoding="utf-8") as f:
            words = [row[job["data"]["text"]] for row in csv.DictReader(f)][:count]
        lengths = [len(w) for w in words]
        padded = [[index.get(ord(ch), 0) for ch in w] + [0] * (max(lengths) - len(w)) for w in words]
        return (torch.tensor(padded, dtype=torch.long), torch.tensor(lengths)), "lengths"
    if kind == "series":
        if job["data"].get("difference"):
            raise SystemExit("a differenced series is not rebuilt here (its steps are changes)")
        normalizer = json.loads(metadata["feature_normalizer"])
        with open(data, newline="", encoding="utf-8") as f:
            rows = [[float(row[c]) for c in job["data"]["features"]] for row in csv.DictReader(f)]
        series = ((np.array(rows) - np.array(normalizer["mean"])) / np.array(normalizer["std"])).astype(np.float32)
        window = job["data"]["window"]
        return torch.from_numpy(np.stack([series[s:s + window] for s in range(count)])), None
    raise SystemExit("unknown data kind " + kind)


def main():
    run, data, predictions = sys.argv[1:4]
    sys.path.insert(0, run)
    from model import RnnModel, load_safetensors  # the run's own model.py

    tensors, metadata = read_safetensors(run + "/model.safetensors")
    own = load_safetensors(run + "/model.safetensors")
    assert sorted(own) == sorted(tensors) and all(torch.equal(own[k], tensors[k]) for k in tensors), "model.py's reader differs"
    model = RnnModel().eval()
    model.load_state_dict(tensors, strict=True)

    with open(run + "/job.json", encoding="utf-8") as f:
        job = json.load(f)
    rows = [json.loads(line) for line in open(predictions, encoding="utf-8")]
    ours = np.array([row.get("logits", row.get("output")) for row in rows], dtype=np.float64)
    x, mode = inputs(job, data, metadata, len(rows))
    with torch.no_grad():
        out = model(*x) if mode == "lengths" else model(x)
    if mode == "last-step":
        out = out[:, -1]
    theirs = out.double().numpy()
    assert theirs.shape == ours.shape, (theirs.shape, ours.shape)
    worst = float(np.abs(theirs - ours).max())
    print("%s: %d samples, %d tensors (strict), max |torch - rnn| = %.3g" % (job["name"], len(rows), len(tensors), worst))
    if not worst <= TOLERANCE:
        raise SystemExit("%s: outputs differ by %g > %g" % (job["name"], worst, TOLERANCE))


main()
