using Rnn.Kernels.Models;

namespace Rnn.Training.Batches;

/// <summary>
/// A token stream for truncated BPTT with carried state: shard k of S owns the k-th contiguous slice of the training
/// tokens, cut into B contiguous streams; step i of an epoch reads window i of every stream (inputs tokens[p..p+W),
/// labels tokens[p+1..p+W+1)). The model's state for each stream carries from window to window and restarts with
/// each epoch.
/// </summary>
public sealed class StreamBatchSource : ShardBatchSource
{
    private readonly int[] _tokens;
    private readonly int _start, _streamLength, _streams, _window;

    public StreamBatchSource(int[] tokens, int shard, int shards, int shardBatch, int window)
    {
        _tokens = tokens;
        _streams = shardBatch;
        _window = window;
        var shardLength = tokens.Length / shards;
        _start = shard * shardLength;
        _streamLength = shardLength / shardBatch;
        StepsPerEpoch = StepsPerEpochFor(tokens.Length, shards, shardBatch, window);
    }

    /// <summary>Steps of an epoch for <paramref name="tokens"/> characters; throws when a stream is shorter than a window.</summary>
    public static int StepsPerEpochFor(int tokens, int shards, int shardBatch, int window)
    {
        var streamLength = tokens / shards / shardBatch;
        var steps = (streamLength - 1) / window;
        if (steps < 1)
            throw new ArgumentException(
                $"{tokens} training characters over {shards} shards and {shardBatch} streams per shard give streams of {streamLength}, shorter than one window of {window} plus one; use a smaller window or batch_size");
        return steps;
    }

    public override int StepsPerEpoch { get; }

    public override bool CarriesState => true;

    public override SequenceBatch CreateBatch() => new(_window, _streams, 0, true, _window * _streams, 0);

    public override void Fill(long step, SequenceBatch batch)
    {
        var offset = (int)(step % StepsPerEpoch) * _window;
        for (var b = 0; b < _streams; b++)
        {
            var p = _start + b * _streamLength + offset;
            for (var t = 0; t < _window; t++)
            {
                batch.Tokens[t * _streams + b] = _tokens[p + t];
                batch.Labels[t * _streams + b] = _tokens[p + t + 1];
            }
        }
    }
}
