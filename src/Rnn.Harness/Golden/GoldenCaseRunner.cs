using System.Globalization;
using Rnn.Kernels.Backends;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Models;
using Rnn.Kernels.Optimizers;
using Rnn.Training.Safetensors;
using Rnn.Kernels.Tensors;
using Rnn.Kernels.Losses;

namespace Rnn.Harness.Golden;

/// <summary>
/// Checks the kernels against libtorch reference cases (safetensors files whose __metadata__ says what they are:
/// kind = layer | model, cell, T, B, I, H, L and C). The file name is never trusted. The cases run on any
/// <see cref="IComputeBackend"/>: a layer case through its recurrent-stack executor, a model case through its model
/// executor and Adam. The runner does not own the backend.
/// </summary>
public sealed class GoldenCaseRunner(IComputeBackend backend)
{
    private readonly IComputeBackend _backend = backend;

    /// <summary>Runs the cases on the CPU kernels (the <c>cpu</c> backend over <paramref name="compute"/>).</summary>
    public GoldenCaseRunner(CpuCompute compute) : this(new CpuBackend(compute))
    {
    }

    /// <summary>The backend the cases run on; its <see cref="IComputeBackend.Name"/> belongs in reports.</summary>
    public string BackendName => _backend.Name;

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
        var descriptors = _backend is CpuBackend ? null : new CpuCompute(1);
        try
        {
            var compute = descriptors ?? ((CpuBackend)_backend).Compute;
            var layout = new ParameterLayout();
            var layers = new List<RecurrentLayer>();
            for (var l = 0; l < depth; l++)
                layers.Add(RecurrentLayer.Create(cell, layout, l, l == 0 ? input : hidden, hidden, compute));
            var parameters = LoadParameters(file, layout);
            var lstm = layers[0].StateCount == 2;
            var stateLength = depth * batch * hidden;
            var results = new List<TensorComparison>();
            using var stack = _backend.CreateRecurrentStack(layers);

            // States are [S,L,B,H]: all layers' h, then all c, as the case stores h0 and c0.
            var x = Floats(file, "x", steps * batch * input);
            var state0 = lstm ? [.. Floats(file, "h0", stateLength), .. Floats(file, "c0", stateLength)] : Floats(file, "h0", stateLength);
            var stateT = new float[state0.Length];
            var y = new float[steps * batch * hidden];
            stack.Forward(parameters, x, state0, y, stateT, steps, batch);
            results.Add(Compare(file, "y", y));
            results.Add(Compare(file, "h_n", stateT.AsSpan(0, stateLength)));
            if (lstm) results.Add(Compare(file, "c_n", stateT.AsSpan(stateLength)));

            var gradients = new float[layout.TotalLength];
            var dStateT = lstm
                ? [.. Floats(file, "grad_h_n", stateLength), .. Floats(file, "grad_c_n", stateLength)]
                : Floats(file, "grad_h_n", stateLength);
            var dx = new float[x.Length];
            var dState0 = new float[state0.Length];
            stack.Backward(parameters, Floats(file, "grad_y", y.Length), dStateT, dx, dState0, gradients);
            results.Add(Compare(file, "dx", dx));
            results.Add(Compare(file, "dh0", dState0.AsSpan(0, stateLength)));
            if (lstm) results.Add(Compare(file, "dc0", dState0.AsSpan(stateLength)));
            foreach (var view in layout.Views) results.Add(Compare(file, "d" + view.Name, view.Of(gradients)));
            return results;
        }
        finally
        {
            descriptors?.Dispose();
        }
    }

    private List<TensorComparison> RunModelCase(SafetensorsFile file, RecurrentCell cell, int steps, int batch,
        int input, int hidden, int depth, int classes)
    {
        var descriptors = _backend is CpuBackend ? null : new CpuCompute(1);
        try
        {
            var model = new SequentialModel(input, false, descriptors ?? ((CpuBackend)_backend).Compute);
            for (var l = 0; l < depth; l++) model.AddRecurrent(cell, hidden, returnSequences: l < depth - 1);
            model.AddDense(classes);
            var parameters = LoadParameters(file, model.Layout);
            var data = new SequenceBatch(steps, batch, input, tokens: false, labelRows: batch, targetsPerRow: 0);
            Floats(file, "x", steps * batch * input).CopyTo(data.Features, 0);
            var labels = file["labels"].ToInt64().Select(v => (int)v).ToArray();
            if (labels.Length != batch) throw new GoldenCaseException($"tensor 'labels' has {labels.Length} values; expected B = {batch}");
            labels.CopyTo(data.Labels, 0);
            var results = new List<TensorComparison>();
            using var executor = _backend.CreateModelExecutor(model);

            results.Add(Compare(file, "logits", executor.Forward(parameters, data, null)));
            // Training path: the loss sum with unit gradient scale, then divided by the batch (the mean).
            var gradients = new float[model.Layout.TotalLength];
            var step = executor.ComputeGradient(parameters, data, null, LossKind.SparseCategoricalCrossEntropy, 0, gradients);
            results.Add(Compare(file, "loss", [(float)step.LossSum / batch]));
            GradientClipping.Scale(gradients, 1f / batch);
            foreach (var view in model.Layout.Views) results.Add(Compare(file, "d" + view.Name, view.Of(gradients)));

            var adam = _backend.CreateAdam(parameters.Length);
            try
            {
                adam.Step(parameters, gradients, 0.01f);
            }
            finally
            {
                (adam as IDisposable)?.Dispose();
            }
            foreach (var view in model.Layout.Views) results.Add(Compare(file, "adam1." + view.Name, view.Of(parameters)));
            return results;
        }
        finally
        {
            descriptors?.Dispose();
        }
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
