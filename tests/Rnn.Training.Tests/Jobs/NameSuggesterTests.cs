using Rnn.Training.Jobs;

namespace Rnn.Training.Tests.Jobs;

public sealed class NameSuggesterTests
{
    [Theory]
    [InlineData("lstmm", "lstm")]
    [InlineData("lsmt", "lstm")]
    [InlineData("LSTM", "lstm")]
    [InlineData("simpleRnn", "simple_rnn")]
    [InlineData("emb", "embedding")]
    [InlineData("drop_out", "dropout")]
    public void Close_misspellings_suggest_the_intended_name(string input, string expected)
    {
        Assert.Equal(expected, NameSuggester.Suggest(input, LayerTypes.All));
    }

    [Theory]
    [InlineData("transformer")]
    [InlineData("x")]
    [InlineData("")]
    public void Unrelated_input_gets_no_suggestion(string input)
    {
        Assert.Null(NameSuggester.Suggest(input, LayerTypes.All));
        Assert.Equal("", NameSuggester.Hint(input, LayerTypes.All));
    }
}
