using System.Runtime.CompilerServices;
namespace Rnn.Kernels.Compute;

/// <summary>
/// The pool job of one GEMM call: participant w of P runs the contiguous tile range [T·w/P, T·(w+1)/P). Reused across
/// calls (fields reset each time) so dispatch allocates nothing.
/// </summary>
internal sealed class GemmTileJob : IComputeWork
{
    private readonly GemmWorkspace[] _workspaces;
    private GemmProblem _problem;
    private GemmPlan _plan;

    public GemmTileJob(GemmWorkspace[] workspaces) => _workspaces = workspaces;

    public void Set(in GemmProblem problem, in GemmPlan plan)
    {
        _problem = problem;
        _plan = plan;
    }

    public void Clear() => _problem = default;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int worker, int participants)
    {
        var tiles = _plan.TileCount;
        var first = (int)((long)tiles * worker / participants);
        var end = (int)((long)tiles * (worker + 1) / participants);
        GemmDriver.RunTiles(_problem, _plan, first, end, _workspaces[worker]);
    }
}
