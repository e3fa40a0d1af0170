using Rnn.Training.Data;
using Rnn.Training.Data.Sequences;
using Rnn.Training.Data.Tables;

namespace Rnn.Training.Tests.Data;

public sealed class TextColumnSequencesTests
{
    [Fact]
    public void Words_become_character_tokens_with_the_last_fifth_as_test()
    {
        var path = RepositoryPaths.DataFile("words", "words.csv");

        var text = TextColumnSequences.Read(path, "word", "language",
            rows => DataSplit.ByFraction(rows, 0, 0.2, shuffle: false, seed: 0, path));

        var (train, test) = (text.Data.Train, text.Data.Test!);
        Assert.Equal((22000, 5500), (train.Count, test.Count));
        Assert.Equal(["danish", "dutch", "english", "french", "german", "italian", "norwegian", "polish", "portuguese", "spanish", "swedish"],
            train.ClassNames);
        Assert.True(train.IsTokens);
        // Line 2 is "shortens,english".
        Assert.Equal("shortens", text.Vocabulary.Decode(train.TokensOf(0)));
        Assert.Equal("english", train.ClassNames![train.ClassOf(0)]);
        Assert.Equal("line 22002", test.Describe(0));
        Assert.Equal(20, Math.Max(train.MaxSteps, test.MaxSteps));
    }

    [Fact]
    public void A_character_only_held_out_rows_have_is_the_unknown_token()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("w.csv", "word,language\nabc,x\nbca,y\ncab,x\nabz,y\n");
        var text = TextColumnSequences.Read(path, "word", "language", rows => DataSplit.ByFraction(rows, 0, 0.25, false, 0, path));

        Assert.Equal(4, text.Vocabulary.Size);
        Assert.Equal([1, 2, CharVocabulary.UnknownIndex], text.Data.Test!.TokensOf(0).ToArray());
    }

    [Fact]
    public void An_empty_text_names_its_line()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("w.csv", "word,language\nabc,x\n,y\n");
        var error = Assert.Throws<DataFormatException>(() =>
            TextColumnSequences.Read(path, "word", "language", rows => DataSplit.Whole(rows)));
        Assert.Equal($"{path}: line 3, column 'word': is empty", error.Message);
    }
}
