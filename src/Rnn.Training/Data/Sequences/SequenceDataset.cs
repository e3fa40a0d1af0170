namespace Rnn.Training.Data.Sequences;

/// <summary>
/// Variable-length sequences held flat: sequence i covers steps Offsets[i] .. Offsets[i+1] of either Features
/// ([steps, F] floats) or Tokens ([steps] integer ids for an embedding). Targets are one class or K floats per
/// sequence, or one class or K floats per step (laid out like the steps). A data set may hold a whole source or
/// only some of its sequences (a split, or one shard's partition); <see cref="SourceRows"/> says where each came
/// from, so errors and predictions can point back at the file.
/// </summary>
public sealed class SequenceDataset
{
    private readonly int[] _offsets;
    private readonly float[] _features;
    private readonly int[] _tokens;
    private readonly int[] _classes;
    private readonly float[] _values;
    private readonly int[] _sourceRows;
    private readonly string[]? _sequenceIds;

    /// <param name="source">The file (or files) the sequences came from, for messages.</param>
    /// <param name="rowWord">What <paramref name="sourceRows"/> count: "sample" (NumPy), "line" (CSV), "row" (Parquet).</param>
    /// <param name="offsets">N+1 ascending step offsets, starting at 0; every sequence at least one step.</param>
    /// <param name="features">[total steps, featuresPerStep] floats, or empty for token data (featuresPerStep 0).</param>
    /// <param name="tokens">[total steps] token ids ≥ 0, or empty for feature data.</param>
    /// <param name="classes">Class indices, one per sequence or step, for the class kinds; else empty.</param>
    /// <param name="values">Floats, K per sequence or step, for the value kinds; else empty.</param>
    /// <param name="classNames">Names of the classes in index order (string targets), or null for integer classes.</param>
    /// <param name="sourceRows">For each sequence, its sample, line or row in the source.</param>
    /// <param name="sequenceIds">For each sequence, its id in a long table, or null.</param>
    public SequenceDataset(string source, string rowWord, int[] offsets, float[] features, int featuresPerStep, int[] tokens,
        SequenceTargetKind targetKind, int targetWidth, int[] classes, float[] values, IReadOnlyList<string>? classNames,
        int[] sourceRows, string[]? sequenceIds = null)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        if (offsets.Length == 0 || offsets[0] != 0)
            throw new ArgumentException("offsets must start with 0 and hold N+1 entries", nameof(offsets));
        Count = offsets.Length - 1;
        var totalSteps = offsets[^1];
        var maxSteps = 0;
        for (var i = 0; i < Count; i++)
        {
            var length = offsets[i + 1] - offsets[i];
            if (length < 1) throw new ArgumentException($"sequence {i} has {length} steps; every sequence needs at least one", nameof(offsets));
            maxSteps = Math.Max(maxSteps, length);
        }
        IsTokens = featuresPerStep == 0;
        if (IsTokens && (features.Length != 0 || tokens.Length != totalSteps))
            throw new ArgumentException($"token data needs {totalSteps} tokens and no features", nameof(tokens));
        if (!IsTokens && (featuresPerStep < 1 || features.LongLength != (long)totalSteps * featuresPerStep))
            throw new ArgumentException($"feature data needs {totalSteps} steps × {featuresPerStep} features", nameof(features));
        var targetRows = targetKind.IsPerStep() ? totalSteps : Count;
        if (targetKind.IsClass())
        {
            if (targetWidth != 1 || classes.Length != targetRows || values.Length != 0)
                throw new ArgumentException($"{targetKind} needs {targetRows} class indices and width 1", nameof(classes));
            foreach (var c in classes)
                if (c < 0 || (classNames is not null && c >= classNames.Count))
                    throw new ArgumentException($"class index {c} is outside 0..{(classNames?.Count ?? int.MaxValue) - 1}", nameof(classes));
        }
        else if (targetWidth < 1 || values.LongLength != (long)targetRows * targetWidth || classes.Length != 0)
            throw new ArgumentException($"{targetKind} needs {targetRows} × {targetWidth} values", nameof(values));
        if (sourceRows.Length != Count || (sequenceIds is not null && sequenceIds.Length != Count))
            throw new ArgumentException($"sourceRows (and sequenceIds) need one entry per sequence ({Count})", nameof(sourceRows));

        Source = source;
        RowWord = rowWord;
        _offsets = offsets;
        _features = features;
        _tokens = tokens;
        Features = IsTokens ? 0 : featuresPerStep;
        TargetKind = targetKind;
        TargetWidth = targetWidth;
        _classes = classes;
        _values = values;
        ClassNames = classNames;
        _sourceRows = sourceRows;
        _sequenceIds = sequenceIds;
        MaxSteps = maxSteps;
        TotalSteps = totalSteps;
    }

    public string Source { get; }

    public string RowWord { get; }

    public int Count { get; }

    /// <summary>Floats per step; 0 for token data.</summary>
    public int Features { get; }

    public bool IsTokens { get; }

    public int MaxSteps { get; }

    public int TotalSteps { get; }

    public SequenceTargetKind TargetKind { get; }

    /// <summary>K: floats per sequence or step for the value kinds; 1 for the class kinds.</summary>
    public int TargetWidth { get; }

    /// <summary>Class names in index order when the targets were strings (save them with the model); else null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    public ReadOnlySpan<int> Offsets => _offsets;

    public IReadOnlyList<int> SourceRows => _sourceRows;

    public int Length(int sequence) => _offsets[sequence + 1] - _offsets[sequence];

    /// <summary>[Length, Features] floats of one sequence.</summary>
    public ReadOnlySpan<float> FeaturesOf(int sequence) =>
        _features.AsSpan(_offsets[sequence] * Features, Length(sequence) * Features);

    public ReadOnlySpan<int> TokensOf(int sequence) => _tokens.AsSpan(_offsets[sequence], Length(sequence));

    /// <summary>The class of a sequence (ClassPerSequence).</summary>
    public int ClassOf(int sequence) => _classes[sequence];

    /// <summary>The K target values of a sequence (ValuesPerSequence).</summary>
    public ReadOnlySpan<float> ValuesOf(int sequence) => _values.AsSpan(sequence * TargetWidth, TargetWidth);

    /// <summary>The class of every step of a sequence (ClassPerStep).</summary>
    public ReadOnlySpan<int> StepClassesOf(int sequence) => _classes.AsSpan(_offsets[sequence], Length(sequence));

    /// <summary>[Length, K] target values of a sequence (ValuesPerStep).</summary>
    public ReadOnlySpan<float> StepValuesOf(int sequence) =>
        _values.AsSpan(_offsets[sequence] * TargetWidth, Length(sequence) * TargetWidth);

    /// <summary>All feature values, [TotalSteps, Features]; for fitting a normaliser.</summary>
    public ReadOnlySpan<float> AllFeatures => _features;

    /// <summary>All target values of the value kinds, [rows, K].</summary>
    public ReadOnlySpan<float> AllValues => _values;

    /// <summary>All class indices of the class kinds.</summary>
    public ReadOnlySpan<int> AllClasses => _classes;

    /// <summary>Feature and value storage for in-place normalisation (<see cref="FeatureNormalizer"/>).</summary>
    internal Span<float> MutableFeatures => _features;

    /// <summary>The feature array itself, for a sample set that takes it over when no padding is needed (no copy).</summary>
    internal float[] FeatureArray => _features;

    internal Span<float> MutableValues => _values;

    /// <summary>"sample 12", "line 40" or "sequence 'a7' (line 40)": where sequence i came from.</summary>
    public string Describe(int sequence) => _sequenceIds is null
        ? $"{RowWord} {_sourceRows[sequence]}"
        : $"sequence '{_sequenceIds[sequence]}' ({RowWord} {_sourceRows[sequence]})";

    /// <summary>The sequences at <paramref name="positions"/> (positions in this data set), in that order, copied.</summary>
    public SequenceDataset Subset(IReadOnlyList<int> positions) => Subset(positions, ClassNames, null);

    /// <summary>
    /// A subset whose class indices are rewritten through <paramref name="classMap"/> (old index → new index) under
    /// new names; used when the class list is fitted on the training split only.
    /// </summary>
    internal SequenceDataset Subset(IReadOnlyList<int> positions, IReadOnlyList<string>? classNames, int[]? classMap)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var offsets = new int[positions.Count + 1];
        for (var i = 0; i < positions.Count; i++) offsets[i + 1] = checked(offsets[i] + Length(positions[i]));
        var steps = offsets[^1];
        var features = IsTokens ? [] : new float[(long)steps * Features];
        var tokens = IsTokens ? new int[steps] : [];
        var perStep = TargetKind.IsPerStep();
        var targetRows = perStep ? steps : positions.Count;
        var classes = TargetKind.IsClass() ? new int[targetRows] : [];
        var values = TargetKind.IsClass() ? [] : new float[(long)targetRows * TargetWidth];
        var rows = new int[positions.Count];
        var ids = _sequenceIds is null ? null : new string[positions.Count];
        for (var i = 0; i < positions.Count; i++)
        {
            var p = positions[i];
            if (IsTokens) TokensOf(p).CopyTo(tokens.AsSpan(offsets[i]));
            else FeaturesOf(p).CopyTo(features.AsSpan(offsets[i] * Features));
            var targetStart = perStep ? offsets[i] : i;
            if (TargetKind.IsClass())
            {
                var source = perStep ? StepClassesOf(p) : _classes.AsSpan(p, 1);
                var target = classes.AsSpan(targetStart, source.Length);
                for (var j = 0; j < source.Length; j++) target[j] = classMap is null ? source[j] : classMap[source[j]];
            }
            else (perStep ? StepValuesOf(p) : ValuesOf(p)).CopyTo(values.AsSpan(targetStart * TargetWidth));
            rows[i] = _sourceRows[p];
            if (ids is not null) ids[i] = _sequenceIds![p];
        }
        return new SequenceDataset(Source, RowWord, offsets, features, Features, tokens, TargetKind, TargetWidth,
            classes, values, classNames, rows, ids);
    }
}
