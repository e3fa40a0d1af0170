using Rnn.Kernels.Models;

namespace Rnn.Training.Batches;

/// <summary>
/// The data of one shard, in a deterministic order that depends only on (seed, shard, epoch): the batch of a step
/// is a pure function of the step number, so a run replayed from a checkpoint sees exactly the same data.
/// </summary>
public abstract class ShardBatchSource
{
    /// <summary>Steps in one epoch; the same for every shard of a job.</summary>
    public abstract int StepsPerEpoch { get; }

    /// <summary>True when streams carry their recurrent state from one step's window to the next.</summary>
    public virtual bool CarriesState => false;

    public abstract SequenceBatch CreateBatch();

    /// <summary>Fills <paramref name="batch"/> with the data of global step <paramref name="step"/>.</summary>
    public abstract void Fill(long step, SequenceBatch batch);

    /// <summary>True when the carried state must be reset before this step (the streams start over).</summary>
    public virtual bool StartsStreams(long step) => step % StepsPerEpoch == 0;

    public int EpochOf(long step) => (int)(step / StepsPerEpoch);
}
