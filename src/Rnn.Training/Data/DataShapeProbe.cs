using Rnn.Training.Jobs;

namespace Rnn.Training.Data;

/// <summary>
/// Reads a job's <see cref="DataShape"/> as cheaply as each kind allows: MNIST from the IDX headers only; text and
/// CSV from the file (the vocabulary and the window count depend on every character or value, and these files are
/// small). The sequence kinds have their own (<c>SequenceDataLoader.Shape</c>). Problems surface as the readers' own errors, naming the file.
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
                var corpus = TextCorpus.Read(fullPath, data.TestFraction ?? DataSpec.DefaultTextTestFraction);
                return new DataShape(corpus.Vocabulary.Size, true, Limited(corpus.TrainTokens.Length, data.Limit));
            case DataKinds.Csv:
                var values = CsvTimeSeries.ReadColumn(fullPath, data.Column!);
                var windows = TimeSeriesWindows.Create(values, data.Window!.Value, data.Horizon ?? DataSpec.DefaultHorizon,
                    data.TestFraction ?? DataSpec.DefaultCsvTestFraction);
                return new DataShape(1, false, Limited(windows.TrainCount, data.Limit));
            default:
                throw new ArgumentOutOfRangeException(nameof(data), data.Kind, "not a data kind the parser accepts");
        }
    }

    private static int Limited(int count, int? limit) => limit is { } l && l < count ? l : count;
}
