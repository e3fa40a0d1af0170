using System.Runtime.CompilerServices;
namespace Rnn.Kernels.Compute;

/// <summary>
/// The pool job of <see cref="CpuCompute.ParallelFor"/>: participant w of P runs pieces [N·w/P, N·(w+1)/P) in order.
/// Which thread runs a piece changes with the thread count, what a piece computes does not.
/// </summary>
internal sealed class ParallelForJob : IComputeWork
{
    private Action<int>? _body;
    private int _pieces;

    public void Set(int pieces, Action<int> body)
    {
        _pieces = pieces;
        _body = body;
    }

    public void Clear() => _body = null;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int worker, int participants)
    {
        var body = _body!;
        var first = (int)((long)_pieces * worker / participants);
        var end = (int)((long)_pieces * (worker + 1) / participants);
        for (var piece = first; piece < end; piece++) body(piece);
    }
}
