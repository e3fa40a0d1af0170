namespace Rnn.Training.Jobs;

/// <summary>What a sequence kind predicts (<c>data.target</c>): a class or values, per sequence or per step.</summary>
public static class DataTargets
{
    public const string Class = "class";
    public const string Values = "values";
    public const string ClassPerStep = "class_per_step";
    public const string ValuesPerStep = "values_per_step";

    public static IReadOnlyList<string> All { get; } = [Class, Values, ClassPerStep, ValuesPerStep];

    /// <summary>A wide series predicts per window only.</summary>
    public static IReadOnlyList<string> PerSequence { get; } = [Class, Values];

    public static bool IsClass(string? target) => target is Class or ClassPerStep;

    public static bool IsPerStep(string? target) => target is ClassPerStep or ValuesPerStep;
}
