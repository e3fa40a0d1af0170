using Rnn.Kernels.Compute;
using Rnn.Kernels.Optimizers;
using Rnn.Kernels.Tensors;
using Rnn.Training.Steps;

namespace Rnn.Training.SingleProcess;

/// <summary>
/// The trainer's work between the shards' gradients and the next step — their sum in shard order with the finite
/// check, the mean, the blocks' squared norms and the optimizer update — on its compute threads in fixed chunks of each
/// block instead of on one thread while the others wait. All of it is element by element (<see cref="GradientAggregation"/>,
/// <see cref="IRangeOptimizer"/>) except a block's squared norm, one serial double sum that a single piece runs whole,
/// so the bits are those of each pass over the whole vector on one thread. Without clipping the update does not need
/// the norms (they only go into the step's metrics): the norm pieces then run beside the update's chunks.
/// </summary>
internal sealed class ParallelUpdate
{
    /// <summary>Elements per chunk (16 KB): a few microseconds of any pass, a dozen or more chunks for a small model.</summary>
    private const int ChunkLength = 4096;

    private readonly CpuCompute _compute;
    private readonly ParameterBlocks _blocks;
    private readonly IRangeOptimizer[] _optimizers;
    private readonly float[] _parameters;
    private readonly float[] _gradient;
    private readonly (int Block, int Start, int Length)[] _chunks;
    private readonly bool[] _chunkFinite;
    private readonly double[] _blockNormsSquared;
    private readonly Action<int> _addShard, _normalize, _norm, _update, _normOrUpdate;
    private float[] _shardGradient = [];
    private bool _firstShard;
    private int _lossCount;
    private float _clipScale;

    public ParallelUpdate(CpuCompute compute, ParameterBlocks blocks, IRangeOptimizer[] optimizers, float[] parameters, float[] gradient)
    {
        _compute = compute;
        _blocks = blocks;
        _optimizers = optimizers;
        _parameters = parameters;
        _gradient = gradient;
        _chunks = Enumerable.Range(0, blocks.Count)
            .SelectMany(j => Enumerable.Range(0, (blocks.Length(j) + ChunkLength - 1) / ChunkLength)
                .Select(c => (j, blocks.Offset(j) + c * ChunkLength, Math.Min(ChunkLength, blocks.Length(j) - c * ChunkLength))))
            .ToArray();
        _chunkFinite = new bool[_chunks.Length];
        _blockNormsSquared = new double[blocks.Count];
        _addShard = AddShardChunk;
        _normalize = NormalizeChunk;
        _norm = Norm;
        _update = UpdateChunk;
        _normOrUpdate = NormOrUpdate;
    }

    /// <summary>Each block's Σ g², in block order, after <see cref="Norms"/> or <see cref="UpdateBesideNorms"/>.</summary>
    public ReadOnlySpan<double> BlockNormsSquared => _blockNormsSquared;

    /// <summary>sum = 0 + g for the first shard, sum += g after it; true when g is all finite.</summary>
    public bool AddShard(float[] shardGradient, bool first)
    {
        (_shardGradient, _firstShard) = (shardGradient, first);
        _compute.ParallelFor(_chunks.Length, _addShard);
        _shardGradient = [];
        return Array.TrueForAll(_chunkFinite, finite => finite);
    }

    /// <summary>g ← g / <paramref name="lossCount"/>, the mean over the global batch's loss elements.</summary>
    public void Normalize(int lossCount)
    {
        _lossCount = lossCount;
        _compute.ParallelFor(_chunks.Length, _normalize);
    }

    /// <summary>The blocks' squared norms (<see cref="BlockNormsSquared"/>), before a clipped <see cref="Update"/>.</summary>
    public void Norms() => _compute.ParallelFor(_blocks.Count, _norm);

    /// <summary>The optimizer step at <paramref name="learningRate"/> on the gradient scaled by <paramref name="clipScale"/> (1: not clipped).</summary>
    public void Update(double learningRate, float clipScale)
    {
        BeginSteps(learningRate, clipScale);
        _compute.ParallelFor(_chunks.Length, _update);
    }

    /// <summary>An unclipped optimizer step and the norms at once: the norm pieces first, the update's chunks beside them.</summary>
    public void UpdateBesideNorms(double learningRate)
    {
        BeginSteps(learningRate, 1f);
        _compute.ParallelFor(_blocks.Count + _chunks.Length, _normOrUpdate);
    }

    private void BeginSteps(double learningRate, float clipScale)
    {
        _clipScale = clipScale;
        foreach (var optimizer in _optimizers) optimizer.BeginStep(learningRate);
    }

    private void AddShardChunk(int chunk)
    {
        var (_, start, length) = _chunks[chunk];
        var g = _shardGradient.AsSpan(start, length);
        var sum = _gradient.AsSpan(start, length);
        if (_firstShard) sum.Clear();
        _chunkFinite[chunk] = GradientClipping.AllFinite(g);
        GradientAggregation.AddShard(sum, g);
    }

    private void NormalizeChunk(int chunk)
    {
        var (_, start, length) = _chunks[chunk];
        GradientAggregation.Normalize(_gradient.AsSpan(start, length), _lossCount);
    }

    private void Norm(int block) =>
        _blockNormsSquared[block] = GradientClipping.GlobalNormSquared(_gradient.AsSpan(_blocks.RangeOf(block)));

    private void UpdateChunk(int chunk)
    {
        var (block, start, length) = _chunks[chunk];
        GradientAggregation.ApplyRange(_optimizers[block], _parameters.AsSpan(start, length), _gradient.AsSpan(start, length),
            start - _blocks.Offset(block), _clipScale);
    }

    // The norms first, so the first pieces claimed are the long serial ones and the update's chunks fill in beside them.
    private void NormOrUpdate(int piece)
    {
        if (piece < _blocks.Count) Norm(piece);
        else UpdateChunk(piece - _blocks.Count);
    }
}
