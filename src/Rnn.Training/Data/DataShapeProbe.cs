using Rnn.Training.Jobs;

namespace Rnn.Training.Data;

/// <summary>
/// Reads a job's <see cref="DataShape"/> as cheaply as each kind allows: MNIST from the IDX headers only; text and
/// CSV from the file (the vocabulary and the window count depend on every character or value, and these files are
/// small). The sequence kinds have their own (<c>SequenceDataLoader.Shape</c>). Problems surface as the readers' own
/// errors, naming the file; data too short for the job's split and window is a <see cref="DataSplitException"/>
/// naming the field to change.
/// </summary>
public static class DataShapeProbe
{
    public static DataShape Read(DataSpec data, string fullPath)
    {
        ArgumentNullException.ThrowIfNull(data);
        switch (data.Kind)
        {
            case DataKinds.MnistRows:
                var (count, rows, cols) = MnistIdxReader.ReadSplitShape(fullPath, "train");
                return new DataShape(cols, false, Limited(count, data.Limit));
            case DataKinds.Text:
                var textFraction = data.TestFraction ?? DataSpec.DefaultTextTestFraction;
                var corpus = TextCorpus.Read(fullPath, textFraction);
                var window = data.Window!.Value;
                // The test split is evaluated in windows of `window` characters plus the next one as the last target.
                if (textFraction > 0 && corpus.TestTokens.Length < window + 1)
                    throw new DataSplitException("data.test_fraction",
                        $"{fullPath}: test_fraction {textFraction} of {corpus.TrainTokens.Length + corpus.TestTokens.Length} characters leaves " +
                        $"{corpus.TestTokens.Length} for the test split, fewer than one window of {window} plus one; raise data.test_fraction, " +
                        "lower data.window or use a longer text");
                return new DataShape(corpus.Vocabulary.Size, true, Limited(corpus.TrainTokens.Length, data.Limit));
            case DataKinds.Csv:
                var values = CsvTimeSeries.ReadColumn(fullPath, data.Column!);
                var horizon = data.Horizon ?? DataSpec.DefaultHorizon;
                var csvFraction = data.TestFraction ?? DataSpec.DefaultCsvTestFraction;
                var testLength = (int)Math.Floor(values.Length * csvFraction);
                if (values.Length - testLength < (long)data.Window!.Value + horizon || testLength < horizon)
                    throw new DataSplitException("data.window",
                        $"{fullPath}: column '{data.Column}' has {values.Length} values; test_fraction {csvFraction} leaves {values.Length - testLength} " +
                        $"for training and {testLength} for test, but one sample needs window {data.Window} + horizon {horizon} = " +
                        $"{(long)data.Window + horizon} training values and {horizon} test values; lower data.window or data.horizon, " +
                        "change data.test_fraction or use a longer series");
                var windows = TimeSeriesWindows.Create(values, data.Window.Value, horizon, csvFraction);
                return new DataShape(1, false, Limited(windows.TrainCount, data.Limit));
            default:
                throw new ArgumentOutOfRangeException(nameof(data), data.Kind, "not a data kind the parser accepts");
        }
    }

    private static int Limited(int count, int? limit) => limit is { } l && l < count ? l : count;
}
