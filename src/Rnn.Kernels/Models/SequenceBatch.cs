namespace Rnn.Kernels.Models;

/// <summary>
/// One shard's micro-batch, time-major: Features [T,B,I] or Tokens [T,B]; Labels per row of the model's output
/// ([B] or [T,B]) for classification, Targets [B, horizon] for forecasting. Buffers are reused step after step.
/// </summary>
public sealed class SequenceBatch(int steps, int batch, int features, bool tokens, int labelRows, int targetsPerRow)
{
    public int Steps { get; } = steps;

    public int Batch { get; } = batch;

    public float[] Features { get; } = tokens ? [] : new float[steps * batch * features];

    public int[] Tokens { get; } = tokens ? new int[steps * batch] : [];

    public int[] Labels { get; } = targetsPerRow == 0 ? new int[labelRows] : [];

    public float[] Targets { get; } = targetsPerRow > 0 ? new float[labelRows * targetsPerRow] : [];

    /// <summary>Rows of the loss: B for last-step outputs, T·B for sequence outputs.</summary>
    public int LossRows { get; } = labelRows;
}
