using System.Text.Json;
using Rnn.Kernels.Compute;
using Rnn.Tests.Shared;
using Rnn.Training.Data.Numpy;
using Rnn.Training.Jobs;
using Rnn.Training.Steps;

namespace Rnn.Training.Tests.Steps;

/// <summary>Variable-length samples reach the model as lengths: each sample's output is that of its own last valid step.</summary>
public sealed class VariableLengthBatchTests
{
    [Fact]
    public void Each_samples_last_step_output_equals_running_it_alone_over_its_own_length()
    {
        const int n = 9, t = 5, f = 2;
        using var folder = new TemporaryFolder();
        var x = new float[n * t * f];
        for (var i = 0; i < x.Length; i++) x[i] = MathF.Sin(i * 0.7f);
        NpyWriter.Write(folder.File("x.npy"), x, n, t, f);
        NpyWriter.Write(folder.File("y.npy"), [0L, 1, 2, 0, 1, 2, 0, 1, 2], n);
        NpyWriter.Write(folder.File("lengths.npy"), [5L, 2, 1, 4, 3, 5, 2, 3, 1], n);
        var json = $$"""
            { "name": "lengths", "seed": 3,
              "data": { "kind": "numpy", "path": {{JsonSerializer.Serialize(folder.File("x.npy"))}}, "y": "y.npy", "lengths": "lengths.npy",
                        "target": "class", "test_fraction": 0.34 },
              "model": { "layers": [ { "type": "lstm", "units": 6 }, { "type": "dense", "units": "classes", "activation": "softmax" } ] },
              "loss": "sparse_categorical_crossentropy", "optimizer": { "type": "adam", "lr": 0.01 },
              "training": { "steps": 1, "batch_size": 3 } }
            """;
        var setup = TrainingSetup.Load(JobSpecParser.Parse(json, "lengths.json"), null);
        var samples = setup.TrainSamples!;
        var model = setup.CreateModel(new CpuCompute(1));
        var parameters = new float[model.Layout.TotalLength];
        model.Initialize(parameters, 3);

        var source = setup.CreateShardSource(0);
        var batch = source.CreateBatch();
        source.Fill(0, batch);
        Assert.Equal(3, batch.Lengths.Length);
        var together = model.Forward(parameters, batch.Features, default, t, 3, null, false, 0, batch.Lengths).ToArray();

        for (var b = 0; b < 3; b++)
        {
            var length = batch.Lengths[b];
            var alone = new float[length * f];
            for (var s = 0; s < length; s++)
                batch.Features.AsSpan((s * 3 + b) * f, f).CopyTo(alone.AsSpan(s * f));
            var output = model.Forward(parameters, alone, default, length, 1, null, false, 0).ToArray();
            for (var c = 0; c < output.Length; c++)
                Assert.Equal(output[c], together[b * output.Length + c], 5);
        }
        Assert.Equal(6, samples.Count);
        Assert.True(batch.Lengths.Distinct().Count() > 1, "the batch should mix lengths: " + string.Join(",", batch.Lengths));
    }
}
