using System.Text;
using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Data.Tables;

/// <summary>
/// A text column as a sequence of characters (Unicode scalar values) with a class per row, e.g. word → language.
/// The character vocabulary is built from the training rows only (<see cref="CharVocabulary"/>: 0 = unknown, then
/// code points ascending), so a character first seen in validation or test becomes the unknown token, as it would
/// for a new input at prediction time. Class names are fitted on training too.
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
        if (textColumn == targetColumn) throw new ArgumentException($"column '{textColumn}' cannot be both text and target", nameof(targetColumn));
        var texts = table.Texts(textColumn);
        var labels = table.Texts(targetColumn);
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

        var trainCodePoints = split.Train.SelectMany(r => codePoints[r]).ToArray();
        var vocabulary = CharVocabulary.FromText(trainCodePoints);
        var classNames = ClassNameOrder.Sort(labels);
        var classIndex = classNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var builder = new SequenceDatasetBuilder(0, SequenceTargetKind.ClassPerSequence, 1, withIds: false);
        for (var r = 0; r < texts.Length; r++)
        {
            var tokens = codePoints[r].Select(vocabulary.EncodeCodePoint).ToArray();
            builder.Add(tokens.Length, [], tokens, [classIndex[labels[r]]], [], table.RowNumber(r));
        }
        return new TextSequences(split.Apply(builder.Build(table.Source, table.RowWord, classNames)), vocabulary);
    }
}
