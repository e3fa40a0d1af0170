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
}
