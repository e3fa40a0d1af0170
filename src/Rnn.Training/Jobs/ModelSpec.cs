namespace Rnn.Training.Jobs;

/// <summary>The <c>model</c> section: layers in order, input first.</summary>
public sealed record ModelSpec
{
    public required IReadOnlyList<LayerSpec> Layers { get; init; }
}
