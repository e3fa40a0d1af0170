using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Data.Tables;

/// <summary>
/// A wide time series: one row per time step, several columns. Each window of <see cref="Window"/> rows of the
/// feature columns predicts either the next <see cref="Horizon"/> rows of the target columns (ValuesPerSequence:
/// K = Horizon × targets, step-major) or the class in one target column <see cref="Horizon"/> rows after the window
/// (ClassPerSequence). A target column may also be a feature (forecasting a series from its own past).
/// With <see cref="Difference"/>, the model sees changes instead of levels: each feature step is the change from the
/// row before, and each value target the change from the target column's value at the window's last row (so the
/// forecast is that value plus the predicted change). A trending series (CO2) then stays inside the training
/// split's range, where a recurrent network's saturating gates can follow it.
/// </summary>
public sealed record WideSeriesSpec(IReadOnlyList<string> FeatureColumns, IReadOnlyList<string> TargetColumns, int Window, int Horizon,
    SequenceTargetKind TargetKind, bool Difference = false)
{
    public IReadOnlyCollection<string> Columns => FeatureColumns.Concat(TargetColumns).Distinct().ToArray();

    /// <summary>K: floats per window for ValuesPerSequence, 1 for a class.</summary>
    public int TargetWidth => TargetKind.IsClass() ? 1 : Horizon * TargetColumns.Count;

    internal void Validate()
    {
        if (FeatureColumns.Count == 0) throw new ArgumentException("at least one feature column is needed", nameof(FeatureColumns));
        if (TargetKind is not (SequenceTargetKind.ValuesPerSequence or SequenceTargetKind.ClassPerSequence))
            throw new ArgumentException($"a wide series predicts values or a class per window, not {TargetKind}", nameof(TargetKind));
        if (TargetColumns.Count == 0 || (TargetKind.IsClass() && TargetColumns.Count != 1))
            throw new ArgumentException("a class target needs exactly one column, a value target at least one", nameof(TargetColumns));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Window);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Horizon);
    }
}
