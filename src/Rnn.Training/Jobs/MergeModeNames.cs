using Rnn.Kernels.Layers;

namespace Rnn.Training.Jobs;

/// <summary>
/// The values of <c>model.layers[i].merge_mode</c>, Keras Bidirectional's names for how the two directions join.
/// </summary>
public static class MergeModeNames
{
    /// <summary>[forward, reverse], 2·units wide (PyTorch's bidirectional=True output); the default.</summary>
    public const string Concat = "concat";

    /// <summary>forward + reverse, units wide.</summary>
    public const string Sum = "sum";

    /// <summary>forward · reverse element by element, units wide.</summary>
    public const string Mul = "mul";

    /// <summary>(forward + reverse) / 2, units wide.</summary>
    public const string Ave = "ave";

    public static IReadOnlyList<string> All { get; } = [Concat, Sum, Mul, Ave];

    /// <summary>The merge a name stands for; the parser has checked the name is one of <see cref="All"/>.</summary>
    public static BidirectionalMerge ToMerge(string name) => name switch
    {
        Concat => BidirectionalMerge.Concat,
        Sum => BidirectionalMerge.Sum,
        Mul => BidirectionalMerge.Multiply,
        Ave => BidirectionalMerge.Average,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, $"not a merge mode; use one of {string.Join(", ", All)}"),
    };

    /// <summary>The job-file name of <paramref name="merge"/>, for messages.</summary>
    public static string NameOf(BidirectionalMerge merge) => merge switch
    {
        BidirectionalMerge.Concat => Concat,
        BidirectionalMerge.Sum => Sum,
        BidirectionalMerge.Multiply => Mul,
        BidirectionalMerge.Average => Ave,
        _ => throw new ArgumentOutOfRangeException(nameof(merge), merge, "not a merge mode"),
    };
}
