namespace Rnn.Training.Data.Sequences;

/// <summary>What a sequence data set predicts: one class or value vector per sequence, or one per time step.</summary>
public enum SequenceTargetKind
{
    /// <summary>One class index per sequence (sparse categorical cross-entropy on the last step).</summary>
    ClassPerSequence,

    /// <summary>K floats per sequence (regression or forecasting on the last step).</summary>
    ValuesPerSequence,

    /// <summary>One class index per time step (sequence labelling).</summary>
    ClassPerStep,

    /// <summary>K floats per time step.</summary>
    ValuesPerStep,
}

/// <summary>Facts about <see cref="SequenceTargetKind"/> that every reader needs.</summary>
public static class SequenceTargetKinds
{
    public static bool IsClass(this SequenceTargetKind kind) =>
        kind is SequenceTargetKind.ClassPerSequence or SequenceTargetKind.ClassPerStep;

    public static bool IsPerStep(this SequenceTargetKind kind) =>
        kind is SequenceTargetKind.ClassPerStep or SequenceTargetKind.ValuesPerStep;
}
