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
                var images = Limited(count, data.Limit);
                var heldOut = MnistValidationCount(images, data.ValidationFraction);
                if (data.ValidationFraction is { } mnistFraction && heldOut == 0)
                    throw new DataSplitException("data.validation_fraction",
                        $"{fullPath}: validation_fraction {mnistFraction} of {images} training images holds out none; raise it or data.limit");
                return new DataShape(cols, false, images - heldOut);
            case DataKinds.Text:
                var textFraction = data.TestFraction ?? DataSpec.DefaultTextTestFraction;
                var corpus = TextCorpus.Read(fullPath, textFraction, data.ValidationFraction ?? 0);
                var window = data.Window!.Value;
                if (data.ValidationFraction is { } textValidation && corpus.ValidationTokens.Length < window + 1)
                    throw new DataSplitException("data.validation_fraction",
                        $"{fullPath}: validation_fraction {textValidation} leaves {corpus.ValidationTokens.Length} characters for the " +
                        $"validation split, fewer than one window of {window} plus one; raise data.validation_fraction or lower data.window");
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
                var validationLength = (int)Math.Floor(values.Length * (data.ValidationFraction ?? 0));
                if (data.ValidationFraction is { } csvValidation &&
                    (validationLength < horizon || values.Length - testLength - validationLength < (long)data.Window.Value + horizon))
                    throw new DataSplitException("data.validation_fraction",
                        $"{fullPath}: column '{data.Column}' has {values.Length} values; validation_fraction {csvValidation} holds out " +
                        $"{validationLength} (at least horizon {horizon} needed) and leaves {values.Length - testLength - validationLength} " +
                        $"for training (at least window + horizon = {(long)data.Window.Value + horizon} needed); change data.validation_fraction");
                var windows = TimeSeriesWindows.Create(values, data.Window.Value, horizon, csvFraction, data.ValidationFraction ?? 0);
                return new DataShape(1, false, Limited(windows.TrainCount, data.Limit));
            default:
                throw new ArgumentOutOfRangeException(nameof(data), data.Kind, "not a data kind the parser accepts");
        }
    }

    /// <summary>mnist-rows: the images held out for validation, the last of the first <paramref name="images"/> (after data.limit).</summary>
    public static int MnistValidationCount(int images, double? fraction) => fraction is { } f ? (int)Math.Floor(images * f) : 0;

    private static int Limited(int count, int? limit) => limit is { } l && l < count ? l : count;
}
