namespace Rnn.Training.Jobs;

/// <summary>The layer types of <c>model.layers</c>, as the model builder uses them (<see cref="LayerTypes"/> spells each).</summary>
public enum LayerKind
{
    Embedding,
    SimpleRnn,
    Lstm,
    Gru,
    Dense,
    Dropout,
}
