using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Models;
using Rnn.Training.Export;

namespace Rnn.Training.Tests.Export;

/// <summary>
/// The ONNX files OnnxExporter writes, run by ONNX Runtime: for each cell (ONNX's LSTM, GRU and RNN operators and
/// their gate orders), stacks, sequence and last-step outputs, token input, bidirectional layers under each merge,
/// and variable-length models (a "lengths" input feeding sequence_lens, including bidirectional ones, whose reverse
/// direction starts at each sample's own last step), the outputs equal our forward pass within 1e-4.
/// </summary>
public sealed class OnnxExportTests
{
    private const int Steps = 7, Batch = 3;

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    [InlineData(RecurrentCell.SimpleRnn)]
    public void TwoLayerStackWithADenseHeadMatchesOnnxRuntime(RecurrentCell cell)
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(5, false, compute)
            .AddRecurrent(cell, 8, returnSequences: true).AddDropout(0.3f).AddRecurrent(cell, 6, returnSequences: false).AddDense(4);

        AssertOnnxMatches(model, seed: 11);
    }

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    [InlineData(RecurrentCell.SimpleRnn)]
    public void SequenceOutputPerStepMatchesOnnxRuntime(RecurrentCell cell)
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(3, false, compute).AddRecurrent(cell, 5, returnSequences: true).AddDense(2);

        AssertOnnxMatches(model, seed: 12);
    }

    [Fact]
    public void CharacterModelWithAnEmbeddingMatchesOnnxRuntime()
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(11, true, compute).AddEmbedding(4).AddRecurrent(RecurrentCell.Lstm, 6, returnSequences: true).AddDense(11);

        AssertOnnxMatches(model, seed: 13);
    }

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    [InlineData(RecurrentCell.SimpleRnn)]
    public void BidirectionalLayersConcatenatedMatchOnnxRuntime(RecurrentCell cell)
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(4, false, compute)
            .AddRecurrent(cell, 5, returnSequences: true, bidirectional: true)
            .AddRecurrent(cell, 3, returnSequences: false, bidirectional: true).AddDense(2);

        AssertOnnxMatches(model, seed: 14);
    }

    [Theory]
    [InlineData(RecurrentCell.Lstm, BidirectionalMerge.Sum)]
    [InlineData(RecurrentCell.Gru, BidirectionalMerge.Multiply)]
    [InlineData(RecurrentCell.SimpleRnn, BidirectionalMerge.Average)]
    [InlineData(RecurrentCell.Gru, BidirectionalMerge.Sum)]
    [InlineData(RecurrentCell.Lstm, BidirectionalMerge.Average)]
    public void BidirectionalMergesSumMultiplyAndAverageMatchOnnxRuntime(RecurrentCell cell, BidirectionalMerge merge)
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(4, false, compute)
            .AddRecurrent(cell, 5, returnSequences: true, bidirectional: true, merge)
            .AddRecurrent(cell, 3, returnSequences: false, bidirectional: true, merge).AddDense(2);

        AssertOnnxMatches(model, seed: 15);
        AssertOnnxMatches(model, seed: 16, Lengths);
    }

    // Shorter than T, one full length, one single step; not sorted (the model sorts, ONNX does not need to).
    private static readonly int[] Lengths = [4, Steps, 1];

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    [InlineData(RecurrentCell.SimpleRnn)]
    public void VariableLengthStacksMatchOnnxRuntimeWithALengthsInput(RecurrentCell cell)
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(5, false, compute)
            .AddRecurrent(cell, 8, returnSequences: true).AddRecurrent(cell, 6, returnSequences: false).AddDense(4);

        AssertOnnxMatches(model, seed: 17, Lengths);
    }

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    [InlineData(RecurrentCell.SimpleRnn)]
    public void VariableLengthBidirectionalLayersMatchOnnxRuntime(RecurrentCell cell)
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(4, false, compute)
            .AddRecurrent(cell, 5, returnSequences: true, bidirectional: true)
            .AddRecurrent(cell, 3, returnSequences: false, bidirectional: true).AddDense(2);

        AssertOnnxMatches(model, seed: 18, Lengths);
    }

    [Fact]
    public void VariableLengthTokensThroughAnEmbeddingWithPerStepOutputsMatchOnnxRuntime()
    {
        using var compute = new CpuCompute(1);
        var model = new SequentialModel(11, true, compute).AddEmbedding(4)
            .AddRecurrent(RecurrentCell.Gru, 6, returnSequences: true, bidirectional: true).AddDense(3);

        AssertOnnxMatches(model, seed: 19, Lengths);
    }

    private static void AssertOnnxMatches(SequentialModel model, ulong seed, int[]? lengths = null)
    {
        var parameters = new float[model.Layout.TotalLength];
        model.Initialize(parameters, seed);
        var random = new Random((int)seed);
        var features = model.TokenInput ? [] : Enumerable.Range(0, Steps * Batch * model.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var tokens = model.TokenInput ? Enumerable.Range(0, Steps * Batch).Select(_ => random.Next(model.InputSize)).ToArray() : [];
        var ours = model.Forward(parameters, features, tokens, Steps, Batch, null, false, 0, lengths ?? default).ToArray();

        using var session = new InferenceSession(OnnxExporter.Export(model, parameters, "test", lengths is not null));
        var input = model.TokenInput
            ? NamedOnnxValue.CreateFromTensor("input", new DenseTensor<long>(tokens.Select(t => (long)t).ToArray(), [Steps, Batch]))
            : NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(features, [Steps, Batch, model.InputSize]));
        List<NamedOnnxValue> inputs = [input];
        if (lengths is not null)
        {
            Assert.Equal(["input", OnnxExporter.LengthsInput], session.InputMetadata.Keys.Order().ToArray());
            inputs.Add(NamedOnnxValue.CreateFromTensor(OnnxExporter.LengthsInput, new DenseTensor<int>(lengths, [Batch])));
        }
        using var results = session.Run(inputs);
        var output = results.Single();
        var theirs = output.AsTensor<float>();

        int[] expectedShape = model.SequenceOutput ? [Steps, Batch, model.OutputSize] : [Batch, model.OutputSize];
        Assert.Equal(expectedShape, theirs.Dimensions.ToArray());
        var values = theirs.ToArray();
        Assert.Equal(ours.Length, values.Length);
        var worst = ours.Zip(values, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-4, $"largest difference {worst}");
        Assert.True(ours.Any(v => Math.Abs(v) > 1e-3), "the outputs are not all near zero");
    }
}
