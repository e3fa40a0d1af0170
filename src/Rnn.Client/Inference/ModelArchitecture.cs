using Rnn.Kernels.Compute;
using Rnn.Kernels.Jobs;
using Rnn.Kernels.Models;

namespace Rnn.Client.Inference;

/// <summary>
/// Builds a job's model without reading its data. <c>TrainingSetup.CreateModel</c> needs the loaded data (it learns
/// the vocabulary size from the corpus); generating from a downloaded character model must work where the corpus is
/// not, with the vocabulary from the model file. The layer mapping mirrors TrainingSetup.CreateModel.
/// </summary>
internal static class ModelArchitecture
{
    public static SequentialModel Build(JobSpec job, int inputSize, bool tokenInput, CpuCompute compute)
    {
        var model = new SequentialModel(inputSize, tokenInput, compute);
        foreach (var layer in job.Model.Layers)
        {
            switch (layer.Type)
            {
                case LayerTypes.Embedding: model.AddEmbedding(layer.Units!.Value); break;
                case LayerTypes.SimpleRnn: model.AddRecurrent(RecurrentCell.SimpleRnn, layer.Units!.Value, layer.ReturnSequences); break;
                case LayerTypes.Lstm: model.AddRecurrent(RecurrentCell.Lstm, layer.Units!.Value, layer.ReturnSequences); break;
                case LayerTypes.Gru: model.AddRecurrent(RecurrentCell.Gru, layer.Units!.Value, layer.ReturnSequences); break;
                case LayerTypes.Dense: model.AddDense(layer.Units!.Value); break;
                case LayerTypes.Dropout: model.AddDropout((float)layer.Rate!.Value); break;
                default: throw new JobValidationException(job.Name, [new JobValidationError("model.layers", $"unknown layer type '{layer.Type}'")]);
            }
        }
        return model;
    }
}
