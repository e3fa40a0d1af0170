namespace Rnn.Training.Jobs;

/// <summary>One problem in a job file: the field path (e.g. <c>model.layers[1].units</c>) and what to do about it.</summary>
public sealed record JobValidationError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
