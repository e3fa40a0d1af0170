using System.Collections.ObjectModel;
using System.Text;

namespace Rnn.Training.Data;

/// <summary>
/// Maps characters (Unicode scalar values) to token indices for a character model. Index 0 is the unknown symbol;
/// indices 1..Size-1 are the known code points in ascending order, so the same set of characters always gives the
/// same vocabulary, whatever order they were seen in.
/// </summary>
public sealed class CharVocabulary
{
    public const int UnknownIndex = 0;

    /// <summary>What <see cref="Decode(ReadOnlySpan{int})"/> writes for the unknown symbol.</summary>
    public static readonly Rune UnknownReplacement = Rune.ReplacementChar;

    private readonly int[] _codePoints;

    private CharVocabulary(int[] ascendingCodePoints)
    {
        _codePoints = ascendingCodePoints;
        CodePoints = new ReadOnlyCollection<int>(_codePoints);
    }

    /// <summary>Number of symbols including the unknown symbol at index 0.</summary>
    public int Size => _codePoints.Length + 1;

    /// <summary>The known code points, ascending; CodePoints[i] has index i + 1. Save this to restore the vocabulary.</summary>
    public IReadOnlyList<int> CodePoints { get; }

    /// <summary>
    /// Restores a vocabulary from its <see cref="CodePoints"/>. The list must be strictly ascending valid scalar
    /// values: it is rejected rather than re-sorted, because re-sorting would silently change the indices a saved
    /// model was trained with.
    /// </summary>
    public static CharVocabulary FromCodePoints(IEnumerable<int> codePoints)
    {
        ArgumentNullException.ThrowIfNull(codePoints);
        var array = codePoints.ToArray();
        for (var i = 0; i < array.Length; i++)
        {
            if (!Rune.IsValid(array[i]))
                throw new ArgumentException(
                    $"code point {array[i]} (0x{array[i]:X}) at position {i} is not a Unicode scalar value", nameof(codePoints));
            if (i > 0 && array[i] <= array[i - 1])
                throw new ArgumentException(
                    $"code points must be strictly ascending: position {i} has 0x{array[i]:X} after 0x{array[i - 1]:X}",
                    nameof(codePoints));
        }
        return new CharVocabulary(array);
    }

    /// <summary>The vocabulary of every distinct code point in <paramref name="text"/>.</summary>
    internal static CharVocabulary FromText(ReadOnlySpan<int> text)
    {
        var distinct = new HashSet<int>();
        foreach (var codePoint in text) distinct.Add(codePoint);
        var sorted = distinct.ToArray();
        Array.Sort(sorted);
        return new CharVocabulary(sorted);
    }

    /// <summary>The index of <paramref name="rune"/>, or <see cref="UnknownIndex"/> if it is not in the vocabulary.</summary>
    public int Encode(Rune rune) => EncodeCodePoint(rune.Value);

    /// <summary>The indices of the characters of <paramref name="text"/>, one per scalar value.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var indices = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes()) indices.Add(Encode(rune));
        return indices.ToArray();
    }

    internal int EncodeCodePoint(int codePoint)
    {
        var position = Array.BinarySearch(_codePoints, codePoint);
        return position >= 0 ? position + 1 : UnknownIndex;
    }

    /// <summary>The character of <paramref name="index"/>; null for the unknown symbol.</summary>
    public Rune? Decode(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Size);
        return index == UnknownIndex ? null : new Rune(_codePoints[index - 1]);
    }

    /// <summary>The text of <paramref name="indices"/>; the unknown symbol becomes U+FFFD.</summary>
    public string Decode(ReadOnlySpan<int> indices)
    {
        var builder = new StringBuilder(indices.Length);
        foreach (var index in indices) builder.Append((Decode(index) ?? UnknownReplacement).ToString());
        return builder.ToString();
    }
}
