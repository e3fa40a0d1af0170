using System.Buffers;
using System.Text;

namespace Rnn.Training.Data;

/// <summary>
/// A UTF-8 text file as a sequence of character tokens (Unicode scalar values) for next-character prediction.
/// The first (1 - testFraction) of the characters are for training, the rest for test. The vocabulary is built from
/// the training part only, so test characters never seen in training become the unknown token 0, as they would for
/// a deployed model.
/// </summary>
public sealed class TextCorpus
{
    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private TextCorpus(string filePath, CharVocabulary vocabulary, int[] trainTokens, int[] testTokens, int[] validationTokens)
    {
        FilePath = filePath;
        Vocabulary = vocabulary;
        TrainTokens = trainTokens;
        TestTokens = testTokens;
        ValidationTokens = validationTokens;
    }

    public string FilePath { get; }
    public CharVocabulary Vocabulary { get; }
    public int[] TrainTokens { get; }
    public int[] TestTokens { get; }

    /// <summary>The validation part (between training and test); empty without a validation fraction.</summary>
    public int[] ValidationTokens { get; }

    /// <param name="path">A UTF-8 file; a leading byte order mark is skipped.</param>
    /// <param name="testFraction">Share of the characters, taken from the end, held out for test: 0 &lt;= f &lt; 1.</param>
    /// <param name="validationFraction">Share held out for validation, just before the test part; test + validation &lt; 1.</param>
    public static TextCorpus Read(string path, double testFraction = 0.1, double validationFraction = 0)
    {
        if (!(testFraction >= 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "testFraction must be in [0, 1)");
        if (!(validationFraction >= 0 && testFraction + validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "validationFraction must be >= 0 with test + validation below 1");
        var fullPath = DataFileReader.RequireFile(path, "text file");
        var bytes = File.ReadAllBytes(fullPath);

        var codePoints = DecodeUtf8(fullPath, bytes);
        if (codePoints.Length == 0)
            throw new DataFormatException(fullPath, "is empty: a text corpus needs at least one character");

        // Floor for the test part, so the training part is never empty.
        var testLength = (int)Math.Floor(codePoints.Length * testFraction);
        var validationLength = (int)Math.Floor(codePoints.Length * validationFraction);
        var trainLength = codePoints.Length - testLength - validationLength;
        var train = codePoints.AsSpan(0, trainLength);
        var validation = codePoints.AsSpan(trainLength, validationLength);
        var test = codePoints.AsSpan(trainLength + validationLength);

        var vocabulary = CharVocabulary.FromText(train);
        return new TextCorpus(fullPath, vocabulary, EncodeAll(vocabulary, train), EncodeAll(vocabulary, test), EncodeAll(vocabulary, validation));
    }

    private static int[] DecodeUtf8(string fullPath, byte[] bytes)
    {
        var offset = bytes.AsSpan().StartsWith(Utf8ByteOrderMark) ? Utf8ByteOrderMark.Length : 0;
        var codePoints = new int[bytes.Length - offset];
        var count = 0;
        var line = 1;
        while (offset < bytes.Length)
        {
            var status = Rune.DecodeFromUtf8(bytes.AsSpan(offset), out var rune, out var consumed);
            if (status != OperationStatus.Done)
            {
                var what = status == OperationStatus.NeedMoreData
                    ? "the file ends inside a multi-byte sequence"
                    : $"invalid byte sequence starting with 0x{bytes[offset]:X2}";
                throw new DataFormatException(fullPath,
                    $"is not valid UTF-8 at byte offset {offset} (line {line}): {what}", line);
            }
            if (rune.Value == '\n') line++;
            codePoints[count++] = rune.Value;
            offset += consumed;
        }
        return codePoints[..count];
    }

    private static int[] EncodeAll(CharVocabulary vocabulary, ReadOnlySpan<int> codePoints)
    {
        var tokens = new int[codePoints.Length];
        for (var i = 0; i < tokens.Length; i++) tokens[i] = vocabulary.EncodeCodePoint(codePoints[i]);
        return tokens;
    }
}
