using Rnn.Kernels.Models;
using Rnn.Training.Batches;

namespace Rnn.Training.Prediction;

/// <summary>The model's raw outputs (logits, or normalised forecasts) for every sample, as the test evaluation runs it.</summary>
public static class SamplePredictor
{
    private const int Batch = 256;

    /// <summary>Outputs [N, C], row n for sample n; the model must end in one row per sample.</summary>
    public static float[] Run(SequentialModel model, ReadOnlySpan<float> parameters, SampleSet samples)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(samples);
        if (model.SequenceOutput)
            throw new InvalidDataException("the model returns a sequence (its last recurrent layer has return_sequences); rnn predict needs one output per sample");
        var width = model.OutputSize;
        var outputs = new float[samples.Count * width];
        for (var first = 0; first < samples.Count; first += Batch)
        {
            var count = Math.Min(Batch, samples.Count - first);
            var batch = new SequenceBatch(samples.Steps, count, samples.Features, false, count, samples.TargetsPerSample);
            for (var i = 0; i < count; i++) samples.CopySample(first + i, batch, i);
            model.Forward(parameters, batch.Features, default, samples.Steps, count, null, false, 0)[..(count * width)]
                .CopyTo(outputs.AsSpan(first * width));
        }
        return outputs;
    }
}
