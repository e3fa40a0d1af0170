namespace Rnn.Contracts.Messages;

/// <summary>One problem with a submitted job file: the field path (e.g. "training.shards") and what is allowed.</summary>
[GenerateSerializer]
[Alias("Rnn.JobFieldError")]
public sealed record JobFieldError([property: Id(0)] string Field, [property: Id(1)] string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
