namespace Rnn.Kernels.Layers;

/// <summary>The recurrent cell types, named as in job files and golden-case metadata.</summary>
public enum RecurrentCell
{
    SimpleRnn,
    Lstm,
    Gru,
}
