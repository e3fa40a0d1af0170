namespace Rnn.Training.Data.Sequences;

/// <summary>Collects sequences one at a time (the table readers) and makes a <see cref="SequenceDataset"/>.</summary>
internal sealed class SequenceDatasetBuilder(int featuresPerStep, SequenceTargetKind targetKind, int targetWidth, bool withIds)
{
    private readonly List<int> _offsets = [0];
    private readonly List<float> _features = [];
    private readonly List<int> _tokens = [];
    private readonly List<int> _classes = [];
    private readonly List<float> _values = [];
    private readonly List<int> _rows = [];
    private readonly List<string>? _ids = withIds ? [] : null;

    public int Count => _rows.Count;

    /// <summary>
    /// Adds one sequence of <c>steps</c> steps: its features ([steps, F]) or tokens ([steps]), and its targets:
    /// classes (1 or steps of them) or values (K or steps·K).
    /// </summary>
    public void Add(int steps, ReadOnlySpan<float> features, ReadOnlySpan<int> tokens, ReadOnlySpan<int> classes,
        ReadOnlySpan<float> values, int sourceRow, string? id = null)
    {
        _offsets.Add(checked(_offsets[^1] + steps));
        _features.AddRange(features);
        _tokens.AddRange(tokens);
        _classes.AddRange(classes);
        _values.AddRange(values);
        _rows.Add(sourceRow);
        _ids?.Add(id ?? "");
    }

    public SequenceDataset Build(string source, string rowWord, IReadOnlyList<string>? classNames) =>
        new(source, rowWord, [.. _offsets], [.. _features], featuresPerStep, [.. _tokens], targetKind, targetWidth,
            [.. _classes], [.. _values], classNames, [.. _rows], _ids?.ToArray());
}
