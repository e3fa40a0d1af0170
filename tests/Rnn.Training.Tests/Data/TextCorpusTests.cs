using System.Text;
using Rnn.Training.Data;

namespace Rnn.Training.Tests.Data;

public sealed class TextCorpusTests : IDisposable
{
    private readonly TemporaryFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Moby_dick_reads_as_characters_split_ninety_ten()
    {
        var path = RepositoryPaths.DataFile("text", "moby-dick.txt");
        var characterCount = File.ReadAllText(path).EnumerateRunes().Count();

        var corpus = TextCorpus.Read(path);

        Assert.Equal(characterCount, corpus.TrainTokens.Length + corpus.TestTokens.Length);
        Assert.Equal(characterCount / 10, corpus.TestTokens.Length);
        Assert.InRange(corpus.Vocabulary.Size, 60, 200);
        Assert.StartsWith("CHAPTER 1. Loomings.", corpus.Vocabulary.Decode(corpus.TrainTokens.AsSpan(0, 40)));
        Assert.All(corpus.TrainTokens, token => Assert.InRange(token, 1, corpus.Vocabulary.Size - 1));
        // The book uses curly quotes and dashes: they must be single tokens, not UTF-8 bytes.
        Assert.Contains('\u2019', corpus.Vocabulary.CodePoints);
    }

    [Fact]
    public void Vocabulary_is_sorted_by_code_point_whatever_the_order_of_the_text()
    {
        var a = TextCorpus.Read(_temp.WriteText("a.txt", "banana split"), testFraction: 0);
        var b = TextCorpus.Read(_temp.WriteText("b.txt", "tilps ananab"), testFraction: 0);

        Assert.Equal([' ', 'a', 'b', 'i', 'l', 'n', 'p', 's', 't'], a.Vocabulary.CodePoints);
        Assert.Equal(a.Vocabulary.CodePoints, b.Vocabulary.CodePoints);
        Assert.Equal(2, a.Vocabulary.Encode(new Rune('a')));
    }

    [Fact]
    public void Reading_the_same_file_twice_gives_the_same_vocabulary_and_tokens()
    {
        var path = RepositoryPaths.DataFile("text", "moby-dick.txt");

        var first = TextCorpus.Read(path);
        var second = TextCorpus.Read(path);

        Assert.Equal(first.Vocabulary.CodePoints, second.Vocabulary.CodePoints);
        Assert.Equal(first.TrainTokens, second.TrainTokens);
        Assert.Equal(first.TestTokens, second.TestTokens);
    }

    [Fact]
    public void A_character_seen_only_in_the_test_part_maps_to_the_unknown_token()
    {
        // 10 characters, testFraction 0.2: "abababab" trains, "az" tests.
        var corpus = TextCorpus.Read(_temp.WriteText("t.txt", "ababababaz"), testFraction: 0.2);

        Assert.Equal(8, corpus.TrainTokens.Length);
        Assert.Equal(['a', 'b'], corpus.Vocabulary.CodePoints);
        Assert.Equal([1, CharVocabulary.UnknownIndex], corpus.TestTokens);
        Assert.Equal("a\uFFFD", corpus.Vocabulary.Decode(corpus.TestTokens));
        Assert.Null(corpus.Vocabulary.Decode(CharVocabulary.UnknownIndex));
    }

    [Fact]
    public void Encode_then_decode_round_trips_text_including_characters_outside_the_basic_plane()
    {
        const string text = "Call me Ishmael — 🐋 ahoy, café!\n";
        var corpus = TextCorpus.Read(_temp.WriteText("t.txt", text), testFraction: 0);

        var tokens = corpus.Vocabulary.Encode(text);

        Assert.Equal(corpus.TrainTokens, tokens);
        Assert.Equal(text.EnumerateRunes().Count(), tokens.Length);
        Assert.Equal(text, corpus.Vocabulary.Decode(tokens));
        Assert.Equal(new Rune(0x1F40B), corpus.Vocabulary.Decode(corpus.Vocabulary.Encode(new Rune(0x1F40B))));
    }

    [Fact]
    public void A_vocabulary_restored_from_its_code_points_encodes_the_same()
    {
        var corpus = TextCorpus.Read(RepositoryPaths.DataFile("text", "moby-dick.txt"));

        var restored = CharVocabulary.FromCodePoints(corpus.Vocabulary.CodePoints);

        Assert.Equal(corpus.Vocabulary.Size, restored.Size);
        Assert.Equal(corpus.TestTokens[..1000], restored.Encode(corpus.Vocabulary.Decode(corpus.TestTokens.AsSpan(0, 1000))));
    }

    [Fact]
    public void Restoring_from_unsorted_or_invalid_code_points_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => CharVocabulary.FromCodePoints(['b', 'a']));
        Assert.Throws<ArgumentException>(() => CharVocabulary.FromCodePoints(['a', 'a']));
        Assert.Throws<ArgumentException>(() => CharVocabulary.FromCodePoints([0xD800]));
    }

    [Fact]
    public void A_leading_byte_order_mark_is_not_a_character()
    {
        var path = _temp.WriteBytes("bom.txt", [0xEF, 0xBB, 0xBF, (byte)'h', (byte)'i']);

        var corpus = TextCorpus.Read(path, testFraction: 0);

        Assert.Equal("hi", corpus.Vocabulary.Decode(corpus.TrainTokens));
    }

    [Fact]
    public void An_empty_file_is_an_error_naming_the_file()
    {
        var path = _temp.WriteText("empty.txt", "");

        var error = Assert.Throws<DataFormatException>(() => TextCorpus.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("is empty", error.Message);
    }

    [Fact]
    public void Invalid_utf8_is_an_error_naming_the_file_and_byte_offset()
    {
        var path = _temp.WriteBytes("bad.txt", [(byte)'o', (byte)'k', (byte)'\n', 0xC3, 0x28, (byte)'x']);

        var error = Assert.Throws<DataFormatException>(() => TextCorpus.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not valid UTF-8 at byte offset 3 (line 2)", error.Message);
        Assert.Equal(2, error.LineNumber);
    }

    [Fact]
    public void A_file_ending_inside_a_multibyte_sequence_is_invalid_utf8()
    {
        var path = _temp.WriteBytes("cut.txt", [(byte)'a', 0xE2, 0x80]);

        var error = Assert.Throws<DataFormatException>(() => TextCorpus.Read(path));

        Assert.Contains("byte offset 1", error.Message);
        Assert.Contains("ends inside a multi-byte sequence", error.Message);
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_the_file()
    {
        var path = _temp.File("absent.txt");

        var error = Assert.Throws<FileNotFoundException>(() => TextCorpus.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.FileName);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void A_test_fraction_outside_zero_to_one_is_rejected(double testFraction)
    {
        var path = _temp.WriteText("t.txt", "abc");

        Assert.Throws<ArgumentOutOfRangeException>(() => TextCorpus.Read(path, testFraction));
    }
}
