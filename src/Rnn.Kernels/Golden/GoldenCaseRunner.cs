using System.Globalization;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Losses;
using Rnn.Kernels.Models;
using Rnn.Kernels.Optimizers;
using Rnn.Kernels.Serialization;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Golden;

/// <summary>
/// Checks the kernels against libtorch reference cases (safetensors files whose __metadata__ says what they are:
/// kind = layer | model, cell, T, B, I, H, L and C). The file name is never trusted.
/// </summary>
public sealed class GoldenCaseRunner(CpuCompute compute)
{
    public GoldenCaseResult Run(string path)
    {
        try
        {
            var file = SafetensorsFile.Read(path);
            var meta = file.Metadata;
            var kind = Required(meta, "kind");
            var cell = ParseCell(Required(meta, "cell"));
            int steps = Int(meta, "T"), batch = Int(meta, "B"), input = Int(meta, "I"), hidden = Int(meta, "H"), depth = Int(meta, "L");
            var description = $"{kind} {Required(meta, "cell")} T={steps} B={batch} I={input} H={hidden} L={depth}";
            return kind switch
            {
                "layer" => new GoldenCaseResult(path, description, RunLayerCase(file, cell, steps, batch, input, hidden, depth), null),
                "model" => new GoldenCaseResult(path, description + $" C={Int(meta, "C")}",
                    RunModelCase(file, cell, steps, batch, input, hidden, depth, Int(meta, "C")), null),
                _ => Failed(path, $"metadata 'kind' is '{kind}'; expected 'layer' or 'model'"),
            };
        }
        catch (SafetensorsFormatException e)
        {
            return Failed(path, e.Message);
        }
        catch (GoldenCaseException e)
        {
            return Failed(path, e.Message);
        }
        catch (IOException e)
        {
            return Failed(path, $"cannot read the file: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            return Failed(path, $"cannot read the file: {e.Message}");
        }
    }

    private static GoldenCaseResult Failed(string path, string reason) => new(path, "unreadable", [], reason);

    private List<TensorComparison> RunLayerCase(SafetensorsFile file, RecurrentCell cell, int steps, int batch,
        int input, int hidden, int depth)
    {
        var layout = new ParameterLayout();
        var layers = new List<RecurrentLayer>();
        for (var l = 0; l < depth; l++)
            layers.Add(CreateLayer(cell, layout, l, l == 0 ? input : hidden, hidden));
        var parameters = LoadParameters(file, layout);
        var states = layers[0].StateCount;
        var bh = batch * hidden;
        var h0 = Floats(file, "h0", depth * bh);
        var c0 = states == 2 ? Floats(file, "c0", depth * bh) : [];
        var results = new List<TensorComparison>();

        // Forward up the stack; layer l's state is [h0[l]; c0[l]].
        var x = Floats(file, "x", steps * batch * input);
        var hn = new float[depth * bh];
        var cn = new float[depth * bh];
        var current = x;
        for (var l = 0; l < depth; l++)
        {
            var state0 = StateOf(h0, c0, l, bh, states);
            var stateT = new float[states * bh];
            var y = new float[steps * bh];
            layers[l].Forward(parameters, current, state0, y, stateT, steps, batch);
            stateT.AsSpan(0, bh).CopyTo(hn.AsSpan(l * bh));
            if (states == 2) stateT.AsSpan(bh, bh).CopyTo(cn.AsSpan(l * bh));
            current = y;
        }
        results.Add(Compare(file, "y", current));
        results.Add(Compare(file, "h_n", hn));
        if (states == 2) results.Add(Compare(file, "c_n", cn));

        // Backward down the stack: the gradient of layer l's output is the dx of layer l+1.
        var gradients = new float[layout.TotalLength];
        var gradHn = Floats(file, "grad_h_n", depth * bh);
        var gradCn = states == 2 ? Floats(file, "grad_c_n", depth * bh) : [];
        var dy = Floats(file, "grad_y", steps * bh);
        var dh0 = new float[depth * bh];
        var dc0 = new float[depth * bh];
        for (var l = depth - 1; l >= 0; l--)
        {
            var dx = new float[steps * batch * layers[l].InputSize];
            var dState0 = new float[states * bh];
            layers[l].Backward(parameters, dy, StateOf(gradHn, gradCn, l, bh, states), dx, dState0, gradients);
            dState0.AsSpan(0, bh).CopyTo(dh0.AsSpan(l * bh));
            if (states == 2) dState0.AsSpan(bh, bh).CopyTo(dc0.AsSpan(l * bh));
            dy = dx;
        }
        results.Add(Compare(file, "dx", dy));
        results.Add(Compare(file, "dh0", dh0));
        if (states == 2) results.Add(Compare(file, "dc0", dc0));
        foreach (var view in layout.Views) results.Add(Compare(file, "d" + view.Name, view.Of(gradients)));
        return results;
    }

    private List<TensorComparison> RunModelCase(SafetensorsFile file, RecurrentCell cell, int steps, int batch,
        int input, int hidden, int depth, int classes)
    {
        var model = new SequentialModel(input, false, compute);
        for (var l = 0; l < depth; l++) model.AddRecurrent(cell, hidden, returnSequences: l < depth - 1);
        model.AddDense(classes);
        var parameters = LoadParameters(file, model.Layout);
        var x = Floats(file, "x", steps * batch * input);
        var labels = file["labels"].ToInt64().Select(v => (int)v).ToArray();
        if (labels.Length != batch) throw new GoldenCaseException($"tensor 'labels' has {labels.Length} values; expected B = {batch}");
        var results = new List<TensorComparison>();

        var logits = model.Forward(parameters, x, default, steps, batch, null, training: false, dropoutSeed: 0).ToArray();
        results.Add(Compare(file, "logits", logits));
        // Training path: the loss sum with unit gradient scale, then divided by the batch (the mean).
        var dLogits = new float[logits.Length];
        var lossSum = SoftmaxCrossEntropy.Compute(logits, batch, classes, labels, dLogits, 1f);
        results.Add(Compare(file, "loss", [lossSum / batch]));
        var gradients = new float[model.Layout.TotalLength];
        model.Backward(parameters, dLogits, gradients);
        GradientClipping.Scale(gradients, 1f / batch);
        foreach (var view in model.Layout.Views) results.Add(Compare(file, "d" + view.Name, view.Of(gradients)));

        var adam = new AdamOptimizer(parameters.Length);
        adam.Step(parameters, gradients, 0.01f);
        foreach (var view in model.Layout.Views) results.Add(Compare(file, "adam1." + view.Name, view.Of(parameters)));
        return results;
    }

    private RecurrentLayer CreateLayer(RecurrentCell cell, ParameterLayout layout, int index, int input, int hidden) => cell switch
    {
        RecurrentCell.Lstm => new LstmLayer(layout, index, input, hidden, compute),
        RecurrentCell.Gru => new GruLayer(layout, index, input, hidden, compute),
        _ => new SimpleRnnLayer(layout, index, input, hidden, compute),
    };

    private static float[] StateOf(float[] h, float[] c, int layer, int bh, int states)
    {
        var state = new float[states * bh];
        h.AsSpan(layer * bh, bh).CopyTo(state);
        if (states == 2) c.AsSpan(layer * bh, bh).CopyTo(state.AsSpan(bh));
        return state;
    }

    private static float[] LoadParameters(SafetensorsFile file, ParameterLayout layout)
    {
        var parameters = new float[layout.TotalLength];
        foreach (var view in layout.Views) Floats(file, view.Name, view.Length).CopyTo(view.Of(parameters.AsSpan()));
        return parameters;
    }

    private static TensorComparison Compare(SafetensorsFile file, string name, ReadOnlySpan<float> actual) =>
        TensorComparison.Compare(name, actual, Floats(file, name, actual.Length));

    private static float[] Floats(SafetensorsFile file, string name, int expectedLength)
    {
        if (!file.TryGet(name, out var tensor))
            throw new GoldenCaseException($"the case has no tensor '{name}', which its metadata implies");
        var values = tensor.ToFloat32();
        if (values.Length != expectedLength)
            throw new GoldenCaseException($"tensor '{name}' has {values.Length} values; the metadata implies {expectedLength}");
        return values;
    }

    private static string Required(IReadOnlyDictionary<string, string> meta, string key) =>
        meta.TryGetValue(key, out var v) ? v : throw new GoldenCaseException($"metadata has no '{key}'; a golden case names kind, cell, T, B, I, H and L");

    private static int Int(IReadOnlyDictionary<string, string> meta, string key)
    {
        var text = Required(meta, key);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v
            : throw new GoldenCaseException($"metadata '{key}' is '{text}'; expected a positive integer");
    }

    private static RecurrentCell ParseCell(string cell) => cell switch
    {
        "rnn_tanh" or "rnn" or "simple_rnn" => RecurrentCell.SimpleRnn,
        "lstm" => RecurrentCell.Lstm,
        "gru" => RecurrentCell.Gru,
        _ => throw new GoldenCaseException($"metadata 'cell' is '{cell}'; expected rnn_tanh, lstm or gru"),
    };
}
