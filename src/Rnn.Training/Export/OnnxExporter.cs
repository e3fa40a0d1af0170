using Rnn.Kernels.Layers;
using Rnn.Kernels.Models;

namespace Rnn.Training.Export;

/// <summary>
/// A <see cref="SequentialModel"/> with its parameters as an ONNX model (opset 14) built on ONNX's own LSTM, GRU and
/// RNN operators, time-major as they are: input "input" [time, batch, features] floats (or [time, batch] int64 token
/// ids through a Gather on embedding.weight), output "output" [time, batch, C] after a layer that returns sequences,
/// else [batch, C]: the logits (no softmax) or normalised forecasts, from a zero state.
/// With <c>lengths</c> (a model trained on variable-length sequences) a second input "lengths" [batch] int32 feeds
/// every recurrent operator's sequence_lens, as PyTorch's packed sequences: sample b runs steps 0..lengths[b]-1, its
/// outputs past them are zero, Y_h is the forward direction's state after step lengths[b]-1 and the reverse
/// direction's after step 0 (ONNX runs the reverse direction from each sample's own last step), which is the
/// last-step output our model gives. Without it every sample runs all the steps.
/// PyTorch's gate blocks are reordered to ONNX's: LSTM i,f,g,o → i,o,f,c; GRU r,z,n → z,r,h with
/// linear_before_reset=1 (PyTorch applies r to W_hn·h + b_hn). Bidirectional outputs merge by concat (Transpose +
/// Reshape), sum (ReduceSum), multiply (ReduceProd) or average (ReduceMean) over ONNX's direction axis. Dropout is
/// the identity at inference and is left out.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The name of the lengths input of a variable-length model.</summary>
    public const string LengthsInput = "lengths";

    /// <param name="lengths">Add the "lengths" input (sequence_lens of every recurrent operator).</param>
    public static byte[] Export(SequentialModel model, ReadOnlySpan<float> parameters, string graphName, bool lengths = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = new OnnxGraph();
        graph.Initializer("shape_time_batch_rest", [0L, 0L, -1L]);
        graph.Initializer("shape_batch_rest", [0L, -1L]);
        var x = "input";
        foreach (var stage in model.Stages)
        {
            switch (stage.Layer)
            {
                case EmbeddingLayer e:
                    graph.Initializer(e.Weight.Name, e.Weight.Of(parameters), e.VocabularySize, e.Dimension);
                    x = Apply(graph, "Gather", [e.Weight.Name, x]);
                    break;
                case DenseLayer d:
                    // y = x·Wᵀ + b: the weight is stored transposed, [in, out], for MatMul.
                    var transposed = Transpose(d.Weight.Of(parameters), d.OutputSize, d.InputSize);
                    graph.Initializer(d.Weight.Name, transposed, d.InputSize, d.OutputSize);
                    graph.Initializer(d.Bias.Name, d.Bias.Of(parameters), d.OutputSize);
                    x = Apply(graph, "Add", [Apply(graph, "MatMul", [x, d.Weight.Name]), d.Bias.Name]);
                    break;
                case RecurrentLayer r:
                    x = Recurrent(graph, r, stage.ReverseLayer, stage.Merge, stage.SequenceOut, parameters, x, lengths);
                    break;
                case DropoutLayer:
                    break;
                default:
                    throw new NotSupportedException($"ONNX export has no mapping for layer {stage.Layer.GetType().Name}");
            }
        }
        graph.Node("Identity", [x], ["output"]);
        object[] inputDims = model.TokenInput ? ["time", "batch"] : ["time", "batch", (long)model.InputSize];
        object[] outputDims = model.SequenceOutput ? ["time", "batch", (long)model.OutputSize] : ["batch", (long)model.OutputSize];
        var inputs = new List<(string, int, object[])> { ("input", model.TokenInput ? OnnxGraph.Int64Type : OnnxGraph.FloatType, inputDims) };
        if (lengths) inputs.Add((LengthsInput, OnnxGraph.Int32Type, ["batch"]));
        return graph.ToModel(graphName, inputs, ("output", outputDims));
    }

    private static string Recurrent(OnnxGraph graph, RecurrentLayer forward, RecurrentLayer? reverse, BidirectionalMerge merge,
        bool sequenceOut, ReadOnlySpan<float> parameters, string x, bool lengths)
    {
        var directions = reverse is null ? 1 : 2;
        int h = forward.HiddenSize, g = forward.GateCount, input = forward.InputSize;
        var order = g switch { 4 => new[] { 0, 3, 1, 2 }, 3 => new[] { 1, 0, 2 }, _ => new[] { 0 } };
        var layers = reverse is null ? new[] { forward } : [forward, reverse];
        // ONNX: W [directions, G·H, I], R [directions, G·H, H], B [directions, 2·G·H] (input biases, then recurrent).
        List<float> w = [], r = [], b = [];
        foreach (var l in layers)
        {
            w.AddRange(Reorder(l.WeightIh.Of(parameters), order, h * input));
            r.AddRange(Reorder(l.WeightHh.Of(parameters), order, h * h));
            b.AddRange(Reorder(l.BiasIh.Of(parameters), order, h));
            b.AddRange(Reorder(l.BiasHh.Of(parameters), order, h));
        }
        var prefix = $"l{forward.Index}";
        graph.Initializer($"W_{prefix}", w.ToArray(), directions, g * h, input);
        graph.Initializer($"R_{prefix}", r.ToArray(), directions, g * h, h);
        graph.Initializer($"B_{prefix}", b.ToArray(), directions, 2 * g * h);

        var op = g switch { 4 => "LSTM", 3 => "GRU", _ => "RNN" };
        var attributes = new List<(string, object)> { ("hidden_size", (long)h) };
        if (reverse is not null) attributes.Add(("direction", "bidirectional"));
        if (op == "GRU") attributes.Add(("linear_before_reset", 1L));
        var y = graph.Name("Y");
        var yh = graph.Name("Y_h");
        // Inputs X, W, R, B, sequence_lens: the lengths input when the model has one, else all T steps.
        string[] inputs = lengths ? [x, $"W_{prefix}", $"R_{prefix}", $"B_{prefix}", LengthsInput] : [x, $"W_{prefix}", $"R_{prefix}", $"B_{prefix}"];
        graph.Node(op, inputs, [y, yh], attributes.ToArray());
        // Y [T, directions, B, H] (zero past each length); Y_h [directions, B, H]: the forward direction's last
        // valid step and the reverse one's step 0.
        var (value, directionAxis) = sequenceOut ? (y, 1L) : (yh, 0L);
        if (reverse is not null && merge != BidirectionalMerge.Concat)
        {
            // Sum, product or mean over the direction axis, which goes away: [T, B, H] or [B, H].
            return merge switch
            {
                // Opset 13 made ReduceSum's axes an input; the other two keep the attribute until opset 18.
                BidirectionalMerge.Sum => Apply(graph, "ReduceSum", [value, Axes(graph, directionAxis)], ("keepdims", 0L)),
                BidirectionalMerge.Multiply => Apply(graph, "ReduceProd", [value], ("axes", new[] { directionAxis }), ("keepdims", 0L)),
                _ => Apply(graph, "ReduceMean", [value], ("axes", new[] { directionAxis }), ("keepdims", 0L)),
            };
        }
        if (sequenceOut)
        {
            // [T, directions, B, H] → [T, B, directions·H]: forward then reverse, as concat merges.
            var swapped = Apply(graph, "Transpose", [y], ("perm", new long[] { 0, 2, 1, 3 }));
            return Apply(graph, "Reshape", [swapped, "shape_time_batch_rest"]);
        }
        // [directions, B, H] → [B, directions·H].
        var batchFirst = Apply(graph, "Transpose", [yh], ("perm", new long[] { 1, 0, 2 }));
        return Apply(graph, "Reshape", [batchFirst, "shape_batch_rest"]);
    }

    private static string Axes(OnnxGraph graph, long axis)
    {
        var name = graph.Name("axes");
        graph.Initializer(name, [axis]);
        return name;
    }

    private static string Apply(OnnxGraph graph, string op, string[] inputs, params (string, object)[] attributes)
    {
        var output = graph.Name(op.ToLowerInvariant());
        graph.Node(op, inputs, [output], attributes);
        return output;
    }

    /// <summary>Gate blocks of <paramref name="blockLength"/> values each, in <paramref name="order"/>.</summary>
    private static float[] Reorder(ReadOnlySpan<float> values, int[] order, int blockLength)
    {
        var result = new float[values.Length];
        for (var i = 0; i < order.Length; i++)
            values.Slice(order[i] * blockLength, blockLength).CopyTo(result.AsSpan(i * blockLength));
        return result;
    }

    private static float[] Transpose(ReadOnlySpan<float> values, int rows, int cols)
    {
        var result = new float[values.Length];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < cols; j++)
                result[j * rows + i] = values[i * cols + j];
        return result;
    }
}
