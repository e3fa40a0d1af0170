namespace Rnn.Training.Jobs;

/// <summary>The <c>model</c> section: layers in order, input first.</summary>
[GenerateSerializer]
[Alias("Rnn.ModelSpec")]
[Immutable]
public sealed record ModelSpec
{
    [Id(0)] public required IReadOnlyList<LayerSpec> Layers { get; init; }
}
