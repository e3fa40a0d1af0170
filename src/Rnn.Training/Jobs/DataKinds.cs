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

    public static IReadOnlyList<string> All { get; } = [MnistRows, Text, Csv];
}
