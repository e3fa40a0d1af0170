using Rnn.Kernels.Models;
using Rnn.Training.Batches;

namespace Rnn.Training.Prediction;

/// <summary>
/// The model's raw outputs (logits, or normalised forecasts) for every sample, from a zero state, as the test
/// evaluation runs it. A model that returns sequences (a character model) gives its last step's output.
/// </summary>
public static class SamplePredictor
{
    private const int Batch = 256;

    /// <summary>Outputs [N, C], row n for sample n. For token input each sample's steps hold token ids.</summary>
    public static float[] Run(SequentialModel model, ReadOnlySpan<float> parameters, SampleSet samples)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(samples);
        var width = model.OutputSize;
        var steps = samples.Steps;
        var outputs = new float[samples.Count * width];
        for (var first = 0; first < samples.Count; first += Batch)
        {
            var count = Math.Min(Batch, samples.Count - first);
            var batch = new SequenceBatch(steps, count, samples.Features, false, count, samples.TargetsPerSample);
            for (var i = 0; i < count; i++) samples.CopySample(first + i, batch, i);
            // Token ids travel as one float per step; the model reads them as ints [T, B].
            var tokens = model.TokenInput ? batch.Features.Select(v => (int)v).ToArray() : [];
            var output = model.Forward(parameters, model.TokenInput ? default : batch.Features, tokens, steps, count, null, false, 0);
            // A sequence output is [T·B, C], time-major: the last step's rows come last.
            var last = model.SequenceOutput ? output.Slice((steps - 1) * count * width, count * width) : output[..(count * width)];
            last.CopyTo(outputs.AsSpan(first * width));
        }
        return outputs;
    }

    /// <summary>
    /// Outputs of samples with their own lengths (the sequence kinds; tokens or features as the set holds them),
    /// sample-major: [N, C] after a last-step layer (each sample's last valid step), else [N, T, C] (steps past a
    /// sample's length are padding).
    /// </summary>
    public static float[] RunAll(SequentialModel model, ReadOnlySpan<float> parameters, SampleSet samples)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(samples);
        var width = model.OutputSize;
        var steps = samples.Steps;
        var rows = model.SequenceOutput ? steps : 1;
        var outputs = new float[(long)samples.Count * rows * width];
        for (var first = 0; first < samples.Count; first += Batch)
        {
            var count = Math.Min(Batch, samples.Count - first);
            var batch = samples.CreateBatch(count);
            for (var i = 0; i < count; i++) samples.CopySample(first + i, batch, i);
            var output = model.Forward(parameters, batch.Features, batch.Tokens, steps, count, null, false, 0, batch.Lengths);
            // Time-major [T·B, C] (or [B, C]) to sample-major.
            for (var i = 0; i < count; i++)
                for (var t = 0; t < rows; t++)
                    output.Slice((t * count + i) * width, width).CopyTo(outputs.AsSpan((((first + i) * rows) + t) * width));
        }
        return outputs;
    }
}
