using System.Runtime.CompilerServices;
namespace Rnn.Kernels.Compute;

/// <summary>
/// The pool job of <see cref="CpuCompute.ParallelFor"/>: every participant claims the next unclaimed piece until none
/// is left, so a worker that starts late (descheduled, or waking from sleep) takes fewer pieces instead of leaving
/// the others waiting for its fixed share. Which thread runs a piece changes from call to call, what a piece
/// computes does not.
/// </summary>
internal sealed class ParallelForJob : IComputeWork
{
    private Action<int>? _body;
    private int _pieces;
    private int _next;

    public void Set(int pieces, Action<int> body)
    {
        _pieces = pieces;
        _body = body;
        _next = 0;
    }

    public void Clear() => _body = null;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int worker, int participants)
    {
        var body = _body!;
        int piece;
        while ((piece = Interlocked.Increment(ref _next) - 1) < _pieces) body(piece);
    }
}
