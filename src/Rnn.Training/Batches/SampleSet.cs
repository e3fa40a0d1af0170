using Rnn.Kernels.Models;

namespace Rnn.Training.Batches;

/// <summary>
/// A split of independent samples held sample-major: features [N, T, I] and either integer labels [N] or float
/// targets [N, targetsPerSample]. Copies one sample into a time-major batch column.
/// </summary>
public sealed class SampleSet
{
    private readonly float[] _features;
    private readonly int[] _labels;
    private readonly float[] _targets;

    public SampleSet(float[] features, int steps, int featuresPerStep, int[] labels, float[] targets, int targetsPerSample)
    {
        Steps = steps;
        Features = featuresPerStep;
        TargetsPerSample = targetsPerSample;
        _features = features;
        _labels = labels;
        _targets = targets;
        Count = features.Length / (steps * featuresPerStep);
    }

    public int Count { get; }

    public int Steps { get; }

    public int Features { get; }

    /// <summary>0 for classification (integer labels), the horizon for forecasting.</summary>
    public int TargetsPerSample { get; }

    public int Label(int sample) => _labels[sample];

    public ReadOnlySpan<float> TargetsOf(int sample) => _targets.AsSpan(sample * TargetsPerSample, TargetsPerSample);

    /// <summary>A subset of the first <paramref name="count"/> samples (the job's data.limit).</summary>
    public SampleSet Take(int count)
    {
        if (count >= Count) return this;
        var perSample = Steps * Features;
        return new SampleSet(_features[..(count * perSample)], Steps, Features,
            TargetsPerSample == 0 ? _labels[..count] : [], TargetsPerSample > 0 ? _targets[..(count * TargetsPerSample)] : [],
            TargetsPerSample);
    }

    /// <summary>batch.Features[t, column, :] = sample[t, :]; its label or targets into row <paramref name="column"/>.</summary>
    public void CopySample(int sample, SequenceBatch batch, int column)
    {
        var perSample = Steps * Features;
        var source = _features.AsSpan(sample * perSample, perSample);
        for (var t = 0; t < Steps; t++)
            source.Slice(t * Features, Features).CopyTo(batch.Features.AsSpan((t * batch.Batch + column) * Features, Features));
        if (TargetsPerSample == 0) batch.Labels[column] = _labels[sample];
        else TargetsOf(sample).CopyTo(batch.Targets.AsSpan(column * TargetsPerSample, TargetsPerSample));
    }
}
