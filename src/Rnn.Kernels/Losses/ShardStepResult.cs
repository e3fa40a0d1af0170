namespace Rnn.Kernels.Losses;

/// <summary>
/// What one shard's micro-batch contributed: the loss summed over its loss elements, how many there were (rows for
/// cross-entropy, rows × horizon for MSE), and for classification how many rows were predicted right.
/// </summary>
public readonly record struct ShardStepResult(double LossSum, int LossCount, int Correct, int Rows)
{
    public static ShardStepResult operator +(ShardStepResult a, ShardStepResult b) =>
        new(a.LossSum + b.LossSum, a.LossCount + b.LossCount, a.Correct + b.Correct, a.Rows + b.Rows);
}
