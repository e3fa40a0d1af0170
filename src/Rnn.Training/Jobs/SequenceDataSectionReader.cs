using System.Text.Json;

namespace Rnn.Training.Jobs;

/// <summary>
/// Reads the <c>data</c> fields of the sequence kinds (numpy, table, series, text_column): what they predict, which
/// arrays or columns hold it, the splits and the normalisation. The fields are documented in docs/job-format.md.
/// </summary>
internal static class SequenceDataSectionReader
{
    private const string Kind = "kind", Path = "path", Window = "window", Horizon = "horizon", TestFraction = "test_fraction",
        Limit = "limit", Target = "target", X = "x", Y = "y", Lengths = "lengths", Sequence = "sequence", Order = "order",
        Features = "features", TargetColumn = "target_column", TargetColumns = "target_columns", Text = "text",
        ValidationFraction = "validation_fraction", Shuffle = "shuffle", TestPath = "test_path",
        ValidationPath = "validation_path", Normalize = "normalize", MaxLength = "max_length", Difference = "difference";

    /// <summary>Keys only the sequence kinds have (the shared ones are the data section's).</summary>
    public static readonly string[] AllKeys =
        [Target, X, Y, Lengths, Sequence, Order, Features, TargetColumn, TargetColumns, Text, ValidationFraction, Shuffle,
            TestPath, ValidationPath, Normalize, MaxLength, Difference];

    private static readonly string[] Common = [Kind, Path, Limit, TestFraction, ValidationFraction, Normalize];
    private static readonly string[] SeparateFiles = [Shuffle, TestPath, ValidationPath];
    private static readonly string[] NumpyKeys = [.. Common, .. SeparateFiles, Target, X, Y, Lengths];
    private static readonly string[] TableKeys = [.. Common, .. SeparateFiles, Target, Sequence, Order, Features, TargetColumn, TargetColumns, MaxLength];
    private static readonly string[] SeriesKeys = [.. Common, Target, Features, TargetColumn, TargetColumns, Window, Horizon, Difference];
    private static readonly string[] TextColumnKeys = [.. Common, Shuffle, Text, TargetColumn, MaxLength];

    /// <summary>The spec's sequence fields (Kind and Path are filled by the caller), or null after an error.</summary>
    public static DataSpec? Read(JsonObjectReader data, string kind, string? path, IReadOnlyList<string> allDataKeys, out string? target)
    {
        var errorsBefore = data.Errors.Count;
        var spec = new DataSpec { Kind = kind, Path = "" };
        target = kind == DataKinds.TextColumn
            ? DataTargets.Class
            : data.Choice(Target, kind == DataKinds.Series ? DataTargets.PerSequence : DataTargets.All, "data target", required: true);
        spec = spec with { Target = target };

        switch (kind)
        {
            case DataKinds.Numpy:
                spec = spec with { X = OptionalName(data, X), Y = OptionalName(data, Y), Lengths = OptionalName(data, Lengths) };
                if (path is not null && path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
                {
                    if (spec.X is not null)
                        data.Errors.Add(data.FieldPath(X), "with an .npy path, the path is x itself; remove \"x\" (or give an .npz archive as path)");
                    if (spec.Y is null)
                        data.Errors.Add(data.FieldPath(Y), "an .npy path holds x only; give \"y\": the .npy file of the targets, e.g. \"y.npy\" beside x");
                }
                else if (path is not null && !path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
                {
                    data.Errors.Add(data.FieldPath(Path), $"numpy data is an .npz archive or the .npy file of x, got '{path}'");
                }
                break;

            case DataKinds.Table:
                spec = spec with
                {
                    SequenceColumn = data.String(Sequence, required: true, expectation: "the column of sequence ids, e.g. \"session\""),
                    OrderColumn = data.Has(Order) ? data.String(Order, required: false) : null,
                    FeatureColumns = StringList(data, Features, required: true),
                    TargetColumns = ReadTargetColumns(data, target),
                    MaxLength = data.Has(MaxLength) ? data.Int(MaxLength, 1, DataSpec.MaxWindow, required: false) : null,
                };
                break;

            case DataKinds.Series:
                spec = spec with
                {
                    FeatureColumns = StringList(data, Features, required: true),
                    TargetColumns = ReadTargetColumns(data, target),
                    Window = data.Int(Window, 1, DataSpec.MaxWindow, required: true),
                    Horizon = data.Has(Horizon) ? data.Int(Horizon, 1, DataSpec.MaxHorizon, required: false) : DataSpec.DefaultHorizon,
                    // Only a true is kept, so jobs without the field resolve (and hash) as before.
                    Difference = data.Has(Difference) && data.Bool(Difference, required: false) == true ? true : null,
                };
                break;

            case DataKinds.TextColumn:
                var text = data.String(Text, required: true, expectation: "the column whose characters are the steps, e.g. \"word\"");
                var label = data.String(TargetColumn, required: true, expectation: "the class column, e.g. \"language\"");
                if (text is not null && text == label)
                    data.Errors.Add(data.FieldPath(TargetColumn), $"'{label}' is also data.text; the class must be another column");
                spec = spec with
                {
                    TextColumn = text,
                    TargetColumns = label is null ? null : new[] { label },
                    MaxLength = data.Has(MaxLength) ? data.Int(MaxLength, 1, DataSpec.MaxWindow, required: false) : null,
                };
                break;
        }

        spec = ReadSplits(data, kind, spec);
        var normalize = data.Has(Normalize) ? data.Choice(Normalize, DataNormalizations.All, "normalisation", required: false) : DataNormalizations.None;
        if (normalize == DataNormalizations.Standard && kind == DataKinds.TextColumn)
            data.Errors.Add(data.FieldPath(Normalize), "text_column data is characters (token ids), which have nothing to normalise; remove \"normalize\"");
        spec = spec with { Normalize = normalize };

        var (keys, context) = kind switch
        {
            DataKinds.Numpy => (NumpyKeys, "numpy data"),
            DataKinds.Table => (TableKeys, "table data"),
            DataKinds.Series => (SeriesKeys, "series data (chronological: no shuffle and no separate split files)"),
            _ => (TextColumnKeys, "text_column data (its target is always the class column; splits by fraction only)"),
        };
        data.ReportUnreadKeys(keys, context, allDataKeys);
        return data.Errors.Count == errorsBefore ? spec : null;
    }

    private static DataSpec ReadSplits(JsonObjectReader data, string kind, DataSpec spec)
    {
        var separateFiles = kind is DataKinds.Numpy or DataKinds.Table;
        var testPath = separateFiles && data.Has(TestPath) ? data.String(TestPath, required: false, expectation: "a file of the same layout as data.path") : null;
        var validationPath = separateFiles && data.Has(ValidationPath) ? data.String(ValidationPath, required: false, expectation: "a file of the same layout as data.path") : null;
        double? test = null, validation = null;
        if (data.Has(TestFraction))
        {
            test = data.Double(TestFraction, v => v > 0 && v < 1, "a number strictly between 0 and 1", required: false);
            if (testPath is not null)
                data.Errors.Add(data.FieldPath(TestFraction), "data.test_path already gives the test split; remove one of the two");
        }
        else if (testPath is null) test = DataSpec.DefaultCsvTestFraction;
        if (data.Has(ValidationFraction))
        {
            validation = data.Double(ValidationFraction, v => v >= 0 && v < 1, "a number in [0, 1)", required: false);
            if (validationPath is not null)
                data.Errors.Add(data.FieldPath(ValidationFraction), "data.validation_path already gives the validation split; remove one of the two");
        }
        else if (validationPath is null) validation = 0;
        if (test is { } t && validation is { } v && t + v >= 1)
            data.Errors.Add(data.FieldPath(ValidationFraction),
                $"test_fraction {t} + validation_fraction {v} leave nothing to train on; keep their sum below 1");
        var shuffle = kind != DataKinds.Series && data.Has(Shuffle) ? data.Bool(Shuffle, required: false) : false;
        return spec with
        {
            TestFraction = test,
            ValidationFraction = validation,
            TestPath = testPath,
            ValidationPath = validationPath,
            Shuffle = shuffle,
        };
    }

    private static IReadOnlyList<string>? ReadTargetColumns(JsonObjectReader data, string? target)
    {
        if (data.Has(TargetColumn) && data.Has(TargetColumns))
        {
            data.Errors.Add(data.FieldPath(TargetColumns), "give either \"target_column\" or \"target_columns\", not both");
            return null;
        }
        IReadOnlyList<string>? columns = data.Has(TargetColumns)
            ? StringList(data, TargetColumns, required: true)
            : data.String(TargetColumn, required: true, expectation: "the target column, e.g. \"label\" (or \"target_columns\": [...] for several values)") is { } one
                ? new[] { one }
                : null;
        if (columns is { Count: > 1 } && DataTargets.IsClass(target))
            data.Errors.Add(data.FieldPath(TargetColumns), $"a {target} target is one column; got {columns.Count}");
        return columns;
    }

    private static string? OptionalName(JsonObjectReader data, string key) =>
        data.Has(key) ? data.String(key, required: false) : null;

    private static IReadOnlyList<string>? StringList(JsonObjectReader data, string key, bool required)
    {
        const string expectation = "a non-empty array of column names, e.g. [\"temp\", \"wind\"]";
        if (data.Array(key, required, expectation) is not { } array) return null;
        var names = new List<string>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(item.GetString()))
            {
                data.Errors.Add($"{data.FieldPath(key)}[{index}]", $"expected a column name, got {JsonValueReader.Describe(item)}");
                return null;
            }
            var name = item.GetString()!;
            if (names.Contains(name, StringComparer.Ordinal))
            {
                data.Errors.Add($"{data.FieldPath(key)}[{index}]", $"column '{name}' is listed twice; remove one");
                return null;
            }
            names.Add(name);
            index++;
        }
        if (names.Count == 0)
        {
            data.Errors.Add(data.FieldPath(key), $"expected {expectation}, got []");
            return null;
        }
        return names.AsReadOnly();
    }
}
