namespace Rnn.Client.Commands;

/// <summary>Bounds of rnn bench's sizes: large enough for any real layer, small enough to refuse typos.</summary>
internal static class BenchLimits
{
    public const int Max = 65536;
}
