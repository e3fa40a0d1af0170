using System.Text.Json.Serialization;
using Rnn.Kernels.Layers;

namespace Rnn.Training.Jobs;

/// <summary>
/// One layer of a resolved job: its kind and its final width (a dense <c>"units": "vocab"</c> layer has the data's
/// vocabulary size here; dropout has 0 units and its rate).
/// </summary>
[GenerateSerializer]
[Alias("Rnn.ResolvedLayer")]
[Immutable]
public sealed record ResolvedLayer(
    [property: Id(0)] LayerKind Kind,
    [property: Id(1)] int Units,
    [property: Id(2)] bool ReturnSequences,
    [property: Id(3)] double DropoutRate)
{
    /// <summary>The recurrent cell of a recurrent layer; null for the others.</summary>
    [JsonIgnore]
    public RecurrentCell? Cell => Kind switch
    {
        LayerKind.SimpleRnn => RecurrentCell.SimpleRnn,
        LayerKind.Lstm => RecurrentCell.Lstm,
        LayerKind.Gru => RecurrentCell.Gru,
        _ => null,
    };

    /// <summary>The layers of a validated spec whose units are all known (vocabulary units filled in).</summary>
    public static IReadOnlyList<ResolvedLayer> From(ModelSpec model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Layers.Select(l => new ResolvedLayer(KindOf(l.Type), l.Units ?? 0, l.ReturnSequences, l.Rate ?? 0))
            .ToArray();
    }

    private static LayerKind KindOf(string type) => type switch
    {
        LayerTypes.Embedding => LayerKind.Embedding,
        LayerTypes.SimpleRnn => LayerKind.SimpleRnn,
        LayerTypes.Lstm => LayerKind.Lstm,
        LayerTypes.Gru => LayerKind.Gru,
        LayerTypes.Dense => LayerKind.Dense,
        LayerTypes.Dropout => LayerKind.Dropout,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a layer type the parser accepts"),
    };
}
