namespace Rnn.Training.Jobs;

/// <summary>Reads and checks the <c>data</c> section.</summary>
internal static class DataSectionReader
{
    private const string Kind = "kind", Path = "path", Column = "column", Window = "window", Horizon = "horizon",
        TestFraction = "test_fraction", Limit = "limit", ValidationFraction = "validation_fraction";

    private static readonly string[] AllKeys =
        [Kind, Path, Column, Window, Horizon, TestFraction, Limit, .. SequenceDataSectionReader.AllKeys];
    private static readonly string[] MnistKeys = [Kind, Path, Limit, ValidationFraction];
    private static readonly string[] TextKeys = [Kind, Path, Window, TestFraction, Limit, ValidationFraction];
    private static readonly string[] CsvKeys = [Kind, Path, Column, Window, Horizon, TestFraction, Limit, ValidationFraction];

    private const string FractionExpectation = "a number strictly between 0 and 1";

    public static DataSectionResult Read(JsonObjectReader root)
    {
        var data = root.Object("data", required: true);
        if (data is null) return new DataSectionResult(null, null, null);

        var errorsBefore = data.Errors.Count;
        var kind = data.Choice(Kind, DataKinds.All, "data kind", required: true);
        var path = data.String(Path, required: true, expectation: "the data file or folder, e.g. \"data/mnist\"");
        var limit = data.Int(Limit, 1, int.MaxValue, required: false);

        string? column = null;
        int? window = null, horizon = null;
        double? testFraction = null, validationFraction = null;
        switch (kind)
        {
            case DataKinds.MnistRows:
                validationFraction = ReadValidationFraction(data, null);
                data.ReportUnreadKeys(MnistKeys, "mnist-rows data (its sequences are fixed: 28 rows of 28 pixels)", AllKeys);
                break;

            case DataKinds.Text:
                window = data.Int(Window, 1, DataSpec.MaxWindow, required: true);
                testFraction = ReadTestFraction(data, DataSpec.DefaultTextTestFraction);
                validationFraction = ReadValidationFraction(data, testFraction);
                data.ReportUnreadKeys(TextKeys, "text data", AllKeys);
                break;

            case DataKinds.Csv:
                column = data.String(Column, required: true, expectation: "the header name of the numeric column, e.g. \"CO2\"");
                window = data.Int(Window, 1, DataSpec.MaxWindow, required: true);
                horizon = data.Has(Horizon) ? data.Int(Horizon, 1, DataSpec.MaxHorizon, required: false) : DataSpec.DefaultHorizon;
                testFraction = ReadTestFraction(data, DataSpec.DefaultCsvTestFraction);
                validationFraction = ReadValidationFraction(data, testFraction);
                data.ReportUnreadKeys(CsvKeys, "csv data", AllKeys);
                break;

            case DataKinds.Numpy or DataKinds.Table or DataKinds.Series or DataKinds.TextColumn:
                var sequences = SequenceDataSectionReader.Read(data, kind, path, AllKeys, out var target);
                if (data.Errors.Count != errorsBefore || path is null || sequences is null)
                    return new DataSectionResult(kind, null, null, target);
                var sequenceSpec = sequences with { Kind = kind, Path = path, Limit = limit };
                return new DataSectionResult(kind, null, sequenceSpec, target);

            default:
                // Kind missing or unknown: the kind-specific rules cannot be applied, so only keys that exist for no
                // kind are reported.
                foreach (var key in AllKeys) data.TryTake(key, "", required: false, out _);
                data.ReportUnreadKeys(AllKeys, "data", []);
                return new DataSectionResult(null, null, null);
        }

        if (data.Errors.Count != errorsBefore || path is null) return new DataSectionResult(kind, horizon, null);
        var spec = new DataSpec
        {
            Kind = kind,
            Path = path,
            Column = column,
            Window = window,
            Horizon = horizon,
            TestFraction = testFraction,
            Limit = limit,
            ValidationFraction = validationFraction,
        };
        return new DataSectionResult(kind, horizon, spec);
    }

    // Absent: null (no validation split, and the resolved job's canonical form as before the field existed). mnist-rows
    // holds out the last share of its training images (its test split is a file of its own); text and csv the share
    // just before the test split, so the three parts stay in file order.
    private static double? ReadValidationFraction(JsonObjectReader data, double? testFraction)
    {
        if (!data.Has(ValidationFraction)) return null;
        var validation = data.Double(ValidationFraction, v => v > 0 && v < 1, FractionExpectation, required: false);
        if (validation is { } v && testFraction is { } t && t + v >= 1)
            data.Errors.Add(data.FieldPath(ValidationFraction),
                $"test_fraction {t} + validation_fraction {v} leave nothing to train on; keep their sum below 1");
        return validation;
    }

    // Absent: the kind's documented default; present but wrong: null (the error is recorded).
    private static double? ReadTestFraction(JsonObjectReader data, double defaultValue) =>
        data.Has(TestFraction)
            ? data.Double(TestFraction, v => v > 0 && v < 1, FractionExpectation, required: false)
            : defaultValue;
}
