namespace Rnn.Training.Jobs;

/// <summary>The layer type names a job file may use in <c>model.layers[i].type</c>.</summary>
public static class LayerTypes
{
    public const string SimpleRnn = "simple_rnn";
    public const string Lstm = "lstm";
    public const string Gru = "gru";
    public const string Dense = "dense";
    public const string Embedding = "embedding";
    public const string Dropout = "dropout";

    public static IReadOnlyList<string> All { get; } = [SimpleRnn, Lstm, Gru, Dense, Embedding, Dropout];

    public static bool IsRecurrent(string type) => type is SimpleRnn or Lstm or Gru;
}
