using Rnn.Kernels.Compute;
using Rnn.Kernels.Models;
using Rnn.Training.Jobs;

namespace Rnn.Training.Resolution;

/// <summary>The model of a job's resolved layers (training, evaluation, and the parameter layout init_from is checked against).</summary>
public static class ModelBuilder
{
    /// <param name="inputSize">Features per step, or the vocabulary size for token input.</param>
    public static SequentialModel Build(IReadOnlyList<ResolvedLayer> layers, int inputSize, bool tokenInput, CpuCompute compute)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var model = new SequentialModel(inputSize, tokenInput, compute);
        foreach (var layer in layers)
        {
            switch (layer.Kind)
            {
                case LayerKind.Embedding: model.AddEmbedding(layer.Units); break;
                case LayerKind.Dense: model.AddDense(layer.Units); break;
                case LayerKind.Dropout: model.AddDropout((float)layer.DropoutRate); break;
                default: model.AddRecurrent(layer.Cell!.Value, layer.Units, layer.ReturnSequences, layer.Bidirectional, layer.Merge); break;
            }
        }
        return model;
    }
}
