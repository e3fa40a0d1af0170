using System.Globalization;
using System.Text;
using Rnn.Kernels.Layers;
using Rnn.Training.Jobs;

namespace Rnn.Training.Runs;

/// <summary>
/// model.py beside model.safetensors: a torch.nn.Module that mirrors the job's layers and whose state-dict keys are
/// exactly the file's tensor names (weight_ih_l0 ..., dense.weight, embedding.weight), so
/// <c>RnnModel().load_state_dict(tensors, strict=True)</c> works with no renaming. The recurrences are written out
/// step by step in PyTorch's gate order and formulas (LSTM i,f,g,o; GRU r,z,n with r applied to W_hn·h + b_hn), so
/// the module depends on torch alone. It runs from a zero state, full-length sequences, or with <c>lengths</c> each
/// sample over its own steps as PyTorch's packed sequences do (and as rnn predict does): states stop at a sample's last
/// step, outputs past it are zero, a reverse direction starts at the sample's own last step.
/// </summary>
public static class TorchModuleFile
{
    public const string FileName = "model.py";

    public static void Write(string path, ResolvedJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var text = Render(job.Name, job.Layers, job.InputSize, job.TokenInput);
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    public static string Render(string jobName, IReadOnlyList<ResolvedLayer> layers, int inputSize, bool tokenInput)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var list = new StringBuilder();
        foreach (var layer in layers) list.Append("    ").Append(Literal(layer)).Append(",\n");
        return Template
            .Replace("{JOB}", jobName.Replace("\\", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal), StringComparison.Ordinal)
            .Replace("{INPUT_SIZE}", inputSize.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{TOKEN_INPUT}", tokenInput ? "True" : "False", StringComparison.Ordinal)
            .Replace("{LAYERS}", list.ToString(), StringComparison.Ordinal);
    }

    private static string Literal(ResolvedLayer layer) => layer.Kind switch
    {
        LayerKind.Embedding => $"{{\"type\": \"embedding\", \"units\": {layer.Units}}}",
        LayerKind.Dense => $"{{\"type\": \"dense\", \"units\": {layer.Units}}}",
        LayerKind.Dropout => $"{{\"type\": \"dropout\", \"rate\": {layer.DropoutRate.ToString("R", CultureInfo.InvariantCulture)}}}",
        _ => $"{{\"type\": \"{CellName(layer.Cell!.Value)}\", \"units\": {layer.Units}, " +
             $"\"return_sequences\": {(layer.ReturnSequences ? "True" : "False")}, " +
             $"\"bidirectional\": {(layer.Bidirectional ? "True" : "False")}, \"merge\": \"{MergeName(layer.Merge)}\"}}",
    };

    private static string CellName(RecurrentCell cell) => cell switch
    {
        RecurrentCell.Lstm => "lstm",
        RecurrentCell.Gru => "gru",
        _ => "rnn",
    };

    private static string MergeName(BidirectionalMerge merge) => merge switch
    {
        BidirectionalMerge.Sum => "sum",
        BidirectionalMerge.Multiply => "multiply",
        BidirectionalMerge.Average => "average",
        _ => "concat",
    };

    private const string Template = """"
# The model of rnn-distributed job '{JOB}' as a torch.nn.Module. Its state-dict keys are the tensor names of
# model.safetensors, so it loads with strict=True:
#
#     from model import RnnModel, load_safetensors   # or safetensors.torch.load_file
#     model = RnnModel().eval()
#     model.load_state_dict(load_safetensors("model.safetensors"), strict=True)
#     logits = model(x)
#
# forward(x, lengths=None): x is [batch, time, features] floats (or [batch, time] token ids for a text model); it
# returns the logits (no softmax) as [batch, time, classes] after a layer that returns sequences, else [batch, classes].
# Sequences run from a zero state, full length, or with lengths ([batch] integers in 1..time) each sample over its
# own steps, as nn.LSTM on a pack_padded_sequence does: its state stops at its last step (the last-step output is
# there), outputs past it are zero, and a reverse direction runs from its last step back to step 0.
# Written by rnn-distributed; edit freely.
import json
import struct

import torch
from torch import nn

INPUT_SIZE = {INPUT_SIZE}  # features per step, or the vocabulary size when the input is token ids
TOKEN_INPUT = {TOKEN_INPUT}
LAYERS = [
{LAYERS}]
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


class RnnModel(nn.Module):
    def __init__(self, input_size=INPUT_SIZE, layers=LAYERS):
        super().__init__()
        self.specs = [dict(layer) for layer in layers]
        size, recurrent, dense = input_size, 0, 0
        for spec in self.specs:
            kind, units = spec["type"], spec.get("units")
            if kind == "embedding":
                self.embedding = nn.Embedding(size, units)
                size = units
            elif kind == "dense":
                spec["name"] = "dense" if dense == 0 else "dense_%d" % dense
                setattr(self, spec["name"], nn.Linear(size, units))
                dense, size = dense + 1, units
            elif kind in GATES:
                # PyTorch's nn.LSTM/GRU/RNN names: weight_ih_l{k}, ... and ..._reverse for the reverse direction.
                spec["suffixes"] = ["l%d" % recurrent] + (["l%d_reverse" % recurrent] if spec["bidirectional"] else [])
                for suffix in spec["suffixes"]:
                    rows = GATES[kind] * units
                    self.register_parameter("weight_ih_" + suffix, nn.Parameter(torch.zeros(rows, size)))
                    self.register_parameter("weight_hh_" + suffix, nn.Parameter(torch.zeros(rows, units)))
                    self.register_parameter("bias_ih_" + suffix, nn.Parameter(torch.zeros(rows)))
                    self.register_parameter("bias_hh_" + suffix, nn.Parameter(torch.zeros(rows)))
                recurrent += 1
                size = 2 * units if spec["bidirectional"] and spec["merge"] == "concat" else units
        self.output_size = size

    def forward(self, x, lengths=None):
        if lengths is not None:
            lengths = torch.as_tensor(lengths, dtype=torch.long, device=x.device)
        for spec in self.specs:
            kind = spec["type"]
            if kind == "embedding":
                x = self.embedding(x)
            elif kind == "dropout":
                x = nn.functional.dropout(x, spec["rate"], self.training)
            elif kind == "dense":
                x = getattr(self, spec["name"])(x)
            else:
                x = self._recurrent(kind, spec, x, lengths)
        return x

    def _recurrent(self, kind, spec, x, lengths):
        forward = self._direction(kind, spec["suffixes"][0], x, lengths)
        if not spec["return_sequences"]:
            # The forward direction ends at each sample's last valid step.
            last = forward[:, -1] if lengths is None else forward[torch.arange(x.shape[0]), lengths - 1]
        if not spec["bidirectional"]:
            return forward if spec["return_sequences"] else last
        # Each sample's own steps reversed (t -> length-1-t; padding stays put), run, and put back.
        order = _reversed_steps(x.shape[0], x.shape[1], lengths, x.device)
        reverse = self._direction(kind, spec["suffixes"][1], _gather_steps(x, order), lengths)
        reverse = _gather_steps(reverse, order)
        if not spec["return_sequences"]:
            # The reverse direction ends at step 0.
            forward, reverse = last, reverse[:, 0]
        merge = spec["merge"]
        if merge == "concat":
            return torch.cat([forward, reverse], -1)
        if merge == "sum":
            return forward + reverse
        if merge == "multiply":
            return forward * reverse
        return (forward + reverse) / 2

    def _direction(self, kind, suffix, x, lengths):
        w_ih, w_hh = getattr(self, "weight_ih_" + suffix), getattr(self, "weight_hh_" + suffix)
        b_ih, b_hh = getattr(self, "bias_ih_" + suffix), getattr(self, "bias_hh_" + suffix)
        h = x.new_zeros(x.shape[0], w_hh.shape[1])
        c = torch.zeros_like(h)
        inputs = x @ w_ih.T + b_ih
        outputs = []
        for t in range(x.shape[1]):
            gx, gh = inputs[:, t], h @ w_hh.T + b_hh
            if kind == "lstm":
                i, f, g, o = (gx + gh).chunk(4, 1)
                c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                h_new = torch.sigmoid(o) * torch.tanh(c_new)
            elif kind == "gru":
                xr, xz, xn = gx.chunk(3, 1)
                hr, hz, hn = gh.chunk(3, 1)
                r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
                n = torch.tanh(xn + r * hn)
                h_new = (1 - z) * n + z * h
            else:
                h_new = torch.tanh(gx + gh)
            if lengths is None:
                h, c = h_new, (c_new if kind == "lstm" else c)
                outputs.append(h)
                continue
            # Past its length a sample keeps its state and outputs zero.
            valid = (t < lengths).unsqueeze(1)
            h = torch.where(valid, h_new, h)
            if kind == "lstm":
                c = torch.where(valid, c_new, c)
            outputs.append(h_new * valid)
        return torch.stack(outputs, 1)


def _reversed_steps(batch, time, lengths, device):
    """[batch, time] step indices: length-1-t for t < length, else t (all of them reversed without lengths)."""
    steps = torch.arange(time, device=device).expand(batch, time)
    if lengths is None:
        return steps.flip(1)
    n = lengths.unsqueeze(1)
    return torch.where(steps < n, n - 1 - steps, steps)


def _gather_steps(x, order):
    """x[b, order[b, t]] for every b, t."""
    index = order.reshape(order.shape[0], order.shape[1], *([1] * (x.dim() - 2))).expand(*order.shape, *x.shape[2:])
    return x.gather(1, index)


def load_safetensors(path):
    """The tensors of a safetensors file by name (F32, as rnn-distributed writes them)."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise ValueError("%s: tensor %s is %s; this reader reads F32 only" % (path, name, entry["dtype"]))
        begin, end = entry["data_offsets"]
        values = torch.frombuffer(bytearray(body[begin:end]), dtype=torch.float32)
        tensors[name] = values.reshape(entry["shape"]).clone()
    return tensors
"""";
}
