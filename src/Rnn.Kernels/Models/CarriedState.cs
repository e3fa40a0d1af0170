using System.Runtime.CompilerServices;
namespace Rnn.Kernels.Models;

/// <summary>
/// The hidden state of a batch of streams for every recurrent layer ([S,B,H] each), carried from one TBPTT window
/// to the next. It is part of a shard's checkpoint, so it exposes its raw buffers.
/// </summary>
public sealed class CarriedState
{
    public CarriedState(IReadOnlyList<float[]> layers, int batch)
    {
        Layers = layers;
        Batch = batch;
    }

    public IReadOnlyList<float[]> Layers { get; }

    public int Batch { get; }

    public void Reset()
    {
        foreach (var layer in Layers) Array.Clear(layer);
    }

    /// <summary>Zeroes the state of one stream (row b of every layer and state tensor), e.g. at a stream's end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ResetStream(int stream, IReadOnlyList<int> hiddenSizes)
    {
        for (var l = 0; l < Layers.Count; l++)
        {
            var h = hiddenSizes[l];
            var perState = Batch * h;
            for (var s = 0; s * perState < Layers[l].Length; s++)
                Array.Clear(Layers[l], s * perState + stream * h, h);
        }
    }

    public CarriedState Clone() => new(Layers.Select(l => (float[])l.Clone()).ToArray(), Batch);
}
