namespace Rnn.Training.Jobs;

/// <summary>The <c>data</c> section: what to train on. Kind-specific fields are null for the other kinds.</summary>
[GenerateSerializer]
[Alias("Rnn.DataSpec")]
[Immutable]
public sealed record DataSpec
{
    public const double DefaultTextTestFraction = 0.1;
    public const double DefaultCsvTestFraction = 0.2;
    public const int DefaultHorizon = 1;
    public const int MaxWindow = 4096;
    public const int MaxHorizon = 4096;

    /// <summary>One of <see cref="DataKinds"/>.</summary>
    [Id(0)] public required string Kind { get; init; }

    /// <summary>As written in the job file; see <see cref="JobSpec.ResolveDataPath"/> for how it is found.</summary>
    [Id(1)] public required string Path { get; init; }

    /// <summary>csv: the header name of the numeric column to forecast.</summary>
    [Id(2)] public string? Column { get; init; }

    /// <summary>text and csv: time steps per training window (also the TBPTT length).</summary>
    [Id(3)] public int? Window { get; init; }

    /// <summary>csv: how many future values each window predicts (default 1).</summary>
    [Id(4)] public int? Horizon { get; init; }

    /// <summary>text and csv: the trailing fraction held out for evaluation (text 0.1, csv 0.2 by default).</summary>
    [Id(5)] public double? TestFraction { get; init; }

    /// <summary>Use only the first N training samples (images, csv windows, or text characters); null = all.</summary>
    [Id(6)] public int? Limit { get; init; }

    // The sequence kinds (numpy, table, series, text_column); null for the others, so their resolved form and hash
    // are unchanged.

    /// <summary>One of <see cref="DataTargets"/> (text_column: always class).</summary>
    [Id(7)] public string? Target { get; init; }

    /// <summary>table and series: the feature columns, in order.</summary>
    [Id(8)] public IReadOnlyList<string>? FeatureColumns { get; init; }

    /// <summary>table, series and text_column: the target column(s).</summary>
    [Id(9)] public IReadOnlyList<string>? TargetColumns { get; init; }

    /// <summary>table: the column whose value groups rows into sequences.</summary>
    [Id(10)] public string? SequenceColumn { get; init; }

    /// <summary>table: the column that orders a sequence's rows (file order without it).</summary>
    [Id(11)] public string? OrderColumn { get; init; }

    /// <summary>text_column: the column whose characters are the steps.</summary>
    [Id(12)] public string? TextColumn { get; init; }

    /// <summary>numpy: the x array (in an .npz: its name, default "x"; with an .npy path this is the path itself).</summary>
    [Id(13)] public string? X { get; init; }

    /// <summary>numpy: the y array (.npz: its name, default "y"; .npy: a file beside x, made absolute at resolution).</summary>
    [Id(14)] public string? Y { get; init; }

    /// <summary>numpy: the optional lengths array (.npz: name, default "lengths" if present; .npy: a file).</summary>
    [Id(15)] public string? Lengths { get; init; }

    /// <summary>Sequence kinds: the fraction held out for validation (0 by default).</summary>
    [Id(16)] public double? ValidationFraction { get; init; }

    /// <summary>numpy, table, text_column: draw held-out sequences with the seed (true) or take the last ones (false).</summary>
    [Id(17)] public bool? Shuffle { get; init; }

    /// <summary>numpy, table, text_column: a separate test file of the same layout (instead of test_fraction).</summary>
    [Id(18)] public string? TestPath { get; init; }

    /// <summary>numpy, table, text_column: a separate validation file (instead of validation_fraction).</summary>
    [Id(19)] public string? ValidationPath { get; init; }

    /// <summary>One of <see cref="DataNormalizations"/>; null (= none) for the fixed kinds.</summary>
    [Id(20)] public string? Normalize { get; init; }

    /// <summary>table, text_column: the padded length T; null = the longest sequence of the data.</summary>
    [Id(21)] public int? MaxLength { get; init; }

    /// <summary>series: true = the model sees changes from the row before and forecasts the change from the window's
    /// last row (<see cref="Data.Tables.WideSeriesSpec.Difference"/>); null = levels.</summary>
    [Id(22)] public bool? Difference { get; init; }
}
