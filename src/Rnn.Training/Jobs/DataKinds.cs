namespace Rnn.Training.Jobs;

/// <summary>The data kinds a job file may use in <c>data.kind</c>.</summary>
public static class DataKinds
{
    /// <summary>IDX image files read row by row: 28 steps of 28 pixels, one label per image.</summary>
    public const string MnistRows = "mnist-rows";

    /// <summary>Characters of a UTF-8 file; next-character prediction at every step.</summary>
    public const string Text = "text";

    /// <summary>One numeric column of a CSV file; forecasting the next <c>horizon</c> values.</summary>
    public const string Csv = "csv";

    /// <summary>NumPy arrays (.npz, or x/y/lengths .npy files): x [N,T,F] or [N,T] tokens, y, optional lengths.</summary>
    public const string Numpy = "numpy";

    /// <summary>A long table (CSV or Parquet), one row per time step, grouped into sequences by an id column.</summary>
    public const string Table = "table";

    /// <summary>A wide time series (CSV or Parquet): feature columns cut into windows, target columns ahead of them.</summary>
    public const string Series = "series";

    /// <summary>A text column read as a sequence of characters, a class column per row (word → language).</summary>
    public const string TextColumn = "text_column";

    public static IReadOnlyList<string> All { get; } = [MnistRows, Text, Csv, Numpy, Table, Series, TextColumn];

    /// <summary>The kinds read as <c>SequenceDataset</c>s: splits, normalisation and class targets of their own.</summary>
    public static bool IsSequenceKind(string? kind) => kind is Numpy or Table or Series or TextColumn;
}
