using Rnn.Kernels.Models;

namespace Rnn.Training.Batches;

/// <summary>
/// A split of independent samples held sample-major and padded to <see cref="Steps"/>: features [N, T, I] or tokens
/// [N, T]; integer labels [N] (or [N, T] per step) or float targets [N, K] (or [N, T, K] per step); and, for
/// variable-length data, each sample's length in 1..T (the steps past it are zero padding the model never reads).
/// Copies one sample into a time-major batch column.
/// </summary>
public sealed class SampleSet
{
    private readonly float[] _features;
    private readonly int[] _tokens;
    private readonly int[] _labels;
    private readonly float[] _targets;
    private readonly int[]? _lengths;

    public SampleSet(float[] features, int steps, int featuresPerStep, int[] labels, float[] targets, int targetsPerSample)
        : this(features, [], steps, featuresPerStep, labels, targets, targetsPerSample, false, null)
    {
    }

    /// <param name="tokens">[N, T] token ids when the input is tokens (then <paramref name="features"/> is empty).</param>
    /// <param name="targetsPerRow">0 for integer labels, else K floats per target row.</param>
    /// <param name="perStep">One target row per step ([N, T, ...]) instead of one per sample.</param>
    /// <param name="lengths">[N] lengths in 1..T, or null when every sample runs all T steps.</param>
    public SampleSet(float[] features, int[] tokens, int steps, int featuresPerStep, int[] labels, float[] targets,
        int targetsPerRow, bool perStep, int[]? lengths)
    {
        Steps = steps;
        Features = featuresPerStep;
        TokenInput = tokens.Length > 0;
        TargetsPerSample = targetsPerRow;
        PerStep = perStep;
        _features = features;
        _tokens = tokens;
        _labels = labels;
        _targets = targets;
        _lengths = lengths;
        Count = TokenInput ? tokens.Length / steps : features.Length / (steps * featuresPerStep);
    }

    public int Count { get; }

    public int Steps { get; }

    /// <summary>Features per step; 0 for token input.</summary>
    public int Features { get; }

    public bool TokenInput { get; }

    /// <summary>0 for classification (integer labels), else the floats per target row (the horizon for forecasting).</summary>
    public int TargetsPerSample { get; }

    /// <summary>Targets per step: the loss has T·B rows.</summary>
    public bool PerStep { get; }

    /// <summary>True when samples have their own lengths (batches then carry <see cref="SequenceBatch.Lengths"/>).</summary>
    public bool HasLengths => _lengths is not null;

    public int Label(int sample) => _labels[sample];

    public int Length(int sample) => _lengths?[sample] ?? Steps;

    public ReadOnlySpan<float> TargetsOf(int sample) => _targets.AsSpan(sample * TargetsPerSample, TargetsPerSample);

    /// <summary>A subset of the first <paramref name="count"/> samples (the job's data.limit).</summary>
    public SampleSet Take(int count) => count >= Count ? this : Select(Enumerable.Range(0, count).ToArray());

    /// <summary>The samples at <paramref name="positions"/>, in that order, copied (a shard's own rows).</summary>
    public SampleSet Select(IReadOnlyList<int> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var rows = PerStep ? Steps : 1;
        var labelStride = TargetsPerSample == 0 ? rows : 0;
        var targetStride = rows * TargetsPerSample;
        var featureStride = TokenInput ? 0 : Steps * Features;
        var tokenStride = TokenInput ? Steps : 0;
        var features = new float[positions.Count * featureStride];
        var tokens = new int[positions.Count * tokenStride];
        var labels = new int[positions.Count * labelStride];
        var targets = new float[positions.Count * targetStride];
        var lengths = _lengths is null ? null : new int[positions.Count];
        for (var i = 0; i < positions.Count; i++)
        {
            var p = positions[i];
            _features.AsSpan(p * featureStride, featureStride).CopyTo(features.AsSpan(i * featureStride));
            _tokens.AsSpan(p * tokenStride, tokenStride).CopyTo(tokens.AsSpan(i * tokenStride));
            _labels.AsSpan(p * labelStride, labelStride).CopyTo(labels.AsSpan(i * labelStride));
            _targets.AsSpan(p * targetStride, targetStride).CopyTo(targets.AsSpan(i * targetStride));
            if (lengths is not null) lengths[i] = _lengths![p];
        }
        return new SampleSet(features, tokens, Steps, Features, labels, targets, TargetsPerSample, PerStep, lengths);
    }

    /// <summary>A batch of <paramref name="batch"/> samples shaped for this set.</summary>
    public SequenceBatch CreateBatch(int batch)
    {
        var rows = PerStep ? Steps * batch : batch;
        return new SequenceBatch(Steps, batch, Features, TokenInput, rows, TargetsPerSample)
        {
            Lengths = HasLengths ? new int[batch] : [],
        };
    }

    /// <summary>
    /// batch.Features[t, column, :] = sample[t, :] (or tokens); its label or targets into row <paramref name="column"/>
    /// (per step: rows t·B + column); its length into Lengths[column].
    /// </summary>
    public void CopySample(int sample, SequenceBatch batch, int column)
    {
        if (TokenInput)
        {
            var source = _tokens.AsSpan(sample * Steps, Steps);
            for (var t = 0; t < Steps; t++) batch.Tokens[t * batch.Batch + column] = source[t];
        }
        else
        {
            var perSample = Steps * Features;
            var source = _features.AsSpan(sample * perSample, perSample);
            for (var t = 0; t < Steps; t++)
                source.Slice(t * Features, Features).CopyTo(batch.Features.AsSpan((t * batch.Batch + column) * Features, Features));
        }
        if (_lengths is not null) batch.Lengths[column] = _lengths[sample];
        if (!PerStep)
        {
            if (TargetsPerSample == 0) batch.Labels[column] = _labels[sample];
            else TargetsOf(sample).CopyTo(batch.Targets.AsSpan(column * TargetsPerSample, TargetsPerSample));
            return;
        }
        for (var t = 0; t < Steps; t++)
        {
            var row = t * batch.Batch + column;
            if (TargetsPerSample == 0) batch.Labels[row] = _labels[sample * Steps + t];
            else _targets.AsSpan((sample * Steps + t) * TargetsPerSample, TargetsPerSample)
                .CopyTo(batch.Targets.AsSpan(row * TargetsPerSample, TargetsPerSample));
        }
    }
}
