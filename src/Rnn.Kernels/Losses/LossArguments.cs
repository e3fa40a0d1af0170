namespace Rnn.Kernels.Losses;

/// <summary>Shape checks shared by the losses and metrics, with messages that name the sizes.</summary>
internal static class LossArguments
{
    public static void CheckClassification(int logitsLength, int rows, int classes, int labelsLength)
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "rows must not be negative");
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "classes must be >= 1");
        if (logitsLength != (long)rows * classes)
            throw new ArgumentException(
                $"logits hold {logitsLength} floats but rows × classes = {rows} × {classes} = {(long)rows * classes}",
                "logits");
        if (labelsLength != rows)
            throw new ArgumentException($"labels hold {labelsLength} entries but there are {rows} rows", "labels");
    }

    public static void CheckSameLength(int expected, int actual, string name)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} holds {actual} floats but {expected} were expected", name);
    }

    /// <summary>True when the row counts (a label in [0, classes)); false for the ignore label; throws otherwise.</summary>
    public static bool IsCounted(int label, int row, int classes)
    {
        if (label == SoftmaxCrossEntropy.IgnoreLabel) return false;
        if ((uint)label >= (uint)classes)
            throw new ArgumentOutOfRangeException("labels", label,
                $"row {row} has label {label}, outside [0, {classes}) (use {SoftmaxCrossEntropy.IgnoreLabel} to ignore a row)");
        return true;
    }
}
