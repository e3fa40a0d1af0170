using System.Text;
using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Data.Tables;

/// <summary>
/// A text column as a sequence of characters (Unicode scalar values) with a class per row, e.g. word → language.
/// The character vocabulary is built from the training rows only (<see cref="CharVocabulary"/>: 0 = unknown, then
/// code points ascending), so a character first seen in validation or test becomes the unknown token, as it would
/// for a new input at prediction time. Class names are fitted on training too. A shard's partition is built from its
/// rows alone with the vocabulary and class names fixed at resolution.
/// </summary>
public static class TextColumnSequences
{
    /// <param name="path">A .csv or .parquet table.</param>
    /// <param name="textColumn">The column whose characters are the steps.</param>
    /// <param name="targetColumn">The class column (strings or integers).</param>
    /// <param name="split">Rows (as sequences) for training, validation and test; its counts are the table's rows.</param>
    public static TextSequences Read(string path, string textColumn, string targetColumn, Func<int, DataSplit> split)
    {
        ArgumentNullException.ThrowIfNull(split);
        var table = ColumnTable.Read(path, [textColumn, targetColumn]);
        return Build(table, textColumn, targetColumn, split(table.RowCount));
    }

    public static TextSequences Build(ColumnTable table, string textColumn, string targetColumn, DataSplit split)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(split);
        if (textColumn == targetColumn) throw new ArgumentException($"column '{textColumn}' cannot be both text and target", nameof(targetColumn));
        var codePoints = CodePoints(table, textColumn);
        var labels = table.Texts(targetColumn);
        var vocabulary = CharVocabulary.FromText(split.Train.SelectMany(r => codePoints[r]).ToArray());
        var all = Encode(table, targetColumn, codePoints, labels, vocabulary, ClassNameOrder.Sort(labels));
        return new TextSequences(split.Apply(all), vocabulary);
    }

    /// <summary>
    /// Every row of <paramref name="table"/> (a whole file, or the rows of one shard's partition) as a sequence, encoded
    /// with a vocabulary and class names fixed before (a resolved job's).
    /// </summary>
    public static SequenceDataset Build(ColumnTable table, string textColumn, string targetColumn, CharVocabulary vocabulary,
        IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(classNames);
        if (textColumn == targetColumn) throw new ArgumentException($"column '{textColumn}' cannot be both text and target", nameof(targetColumn));
        return Encode(table, targetColumn, CodePoints(table, textColumn), table.Texts(targetColumn), vocabulary, classNames);
    }

    private static int[][] CodePoints(ColumnTable table, string textColumn)
    {
        var texts = table.Texts(textColumn);
        var codePoints = new int[texts.Length][];
        for (var r = 0; r < texts.Length; r++)
        {
            var runes = new List<int>(texts[r].Length);
            foreach (var rune in texts[r].EnumerateRunes())
                runes.Add(rune == Rune.ReplacementChar && !texts[r].Contains('\uFFFD')
                    ? throw table.Error(textColumn, r, "holds a lone surrogate, not valid Unicode text")
                    : rune.Value);
            codePoints[r] = [.. runes];
        }
        return codePoints;
    }

    private static SequenceDataset Encode(ColumnTable table, string targetColumn, int[][] codePoints, string[] labels,
        CharVocabulary vocabulary, IReadOnlyList<string> classNames)
    {
        var classIndex = new ClassIndex(classNames);
        var builder = new SequenceDatasetBuilder(0, SequenceTargetKind.ClassPerSequence, 1, withIds: false);
        for (var r = 0; r < codePoints.Length; r++)
        {
            var tokens = codePoints[r].Select(vocabulary.EncodeCodePoint).ToArray();
            var row = r;
            var label = classIndex.Of(labels[r], problem => table.Error(targetColumn, row, problem));
            builder.Add(tokens.Length, [], tokens, [label], [], table.RowNumber(r));
        }
        return builder.Build(table.Source, table.RowWord, classNames);
    }
}
