using System.Runtime.CompilerServices;
namespace Rnn.Kernels.Compute;

/// <summary>
/// The CPU backend's math: row-major single-precision GEMM and a deterministic parallel loop (the recurrent layers'
/// lane-major products: CpuCompute.LaneProducts.cs). Work is split into fixed pieces that do not depend on the thread
/// count and no reduction is ever split across threads, so results are bit-identical for any number of threads.
/// </summary>
/// <remarks>
/// The instance owns <see cref="Threads"/> − 1 worker threads and per-thread packing buffers; dispose it. Calls from
/// several threads are serialised. A call made from inside a <see cref="ParallelFor"/> body runs inline on that
/// thread (same results, since tiling never depends on who runs a tile).
/// </remarks>
public sealed unsafe partial class CpuCompute : IDisposable
{
    private readonly ComputeWorkerPool? _pool;
    private readonly GemmWorkspace[] _workspaces;
    private readonly GemmTileJob _gemmJob;
    private readonly ParallelForJob _forJob = new();
    private readonly GemmPackJob _packJob = new();
    private readonly GemmWorkspace _sharedB = new();
    private readonly object _callGate = new();
    private readonly GemmKernelKind _kernel;
    private bool _disposed;

    public CpuCompute(int threads = 1) : this(threads, GemmMicroKernel.BestKind)
    {
    }

    /// <summary>
    /// Tests pick a specific kernel to check the fallbacks on hardware that has better ones, and can leave the
    /// workers unstarted to check that the caller takes over their shares.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal CpuCompute(int threads, GemmKernelKind kernel, bool startWorkers = true)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1");
        if (!GemmMicroKernel.IsSupported(kernel))
            throw new PlatformNotSupportedException($"the {kernel} GEMM kernel needs instructions this CPU lacks");
        Threads = threads;
        _kernel = kernel;
        _workspaces = new GemmWorkspace[threads];
        for (var i = 0; i < threads; i++) _workspaces[i] = new GemmWorkspace();
        _gemmJob = new GemmTileJob(_workspaces);
        if (threads > 1) _pool = new ComputeWorkerPool(threads - 1, startWorkers);
    }

    public int Threads { get; }

    /// <summary>
    /// The instruction set of this instance's kernels: "avx512" (Vector512 FMA), "avx2" (Vector256 FMA), "avx"
    /// (Vector256 multiply then add) or "scalar". avx512 and avx2 give the same bits.
    /// </summary>
    public string InstructionSet => _kernel switch
    {
        GemmKernelKind.Fma512 => "avx512",
        GemmKernelKind.Fma => "avx2",
        GemmKernelKind.Avx => "avx",
        _ => "scalar",
    };

    /// <summary>True when the kernels run on Vector512 (the FMA peak to compare them with is the 512-bit one).</summary>
    public bool UsesVector512 => _kernel == GemmKernelKind.Fma512;

    /// <summary>
    /// C[m,n] = (accumulate ? C : 0) + op(A)·op(B), all row-major. op(A) is [m,k]: A is stored [m,k], or [k,m] when
    /// transA. op(B) is [k,n]: B is stored [k,n], or [n,k] when transB.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Gemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate)
    {
        CheckShape(m, n, k);
        CheckLength(a.Length, (long)m * k, nameof(a));
        CheckLength(b.Length, (long)k * n, nameof(b));
        CheckLength(c.Length, (long)m * n, nameof(c));
        if (TrivialProduct(m, n, k, c, accumulate)) return;
        fixed (float* pa = a, pb = b, pc = c)
        {
            var problem = new GemmProblem
            {
                A = pa, B = pb, C = pc, M = m, N = n, K = k,
                TransA = transA, TransB = transB, Accumulate = accumulate, Kernel = _kernel,
            };
            var plan = GemmPlan.Create(m, n, k, transB, bPrepacked: false);
            if (plan.TilesM > 1 && (long)m * n * k >= GemmPlan.MinParallelMacs && !IsNested)
                ExecuteWithSharedB(problem);
            else
                Execute(problem, plan);
        }
    }

    /// <summary>
    /// C[m,n] = (accumulate ? C : 0) + op(A)·B, B prepacked by
    /// <see cref="Pack(bool, int, int, ReadOnlySpan{float})"/> (n = b.N, k = b.K). Bit-identical to the unpacked
    /// overload with the same operands.
    /// </summary>
    public void Gemm(bool transA, int m, ReadOnlySpan<float> a, PackedMatrix b, Span<float> c, bool accumulate)
    {
        ArgumentNullException.ThrowIfNull(b);
        Gemm(transA, m, a, b, b.N, c, accumulate);
    }

    /// <summary>
    /// The same product with only the first <paramref name="columns"/> columns of B: C is [m, columns].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Gemm(bool transA, int m, ReadOnlySpan<float> a, PackedMatrix b, int columns, Span<float> c,
        bool accumulate)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columns, b.N);
        int n = columns, k = b.K;
        CheckShape(m, n, k);
        CheckLength(a.Length, (long)m * k, nameof(a));
        CheckLength(c.Length, (long)m * n, nameof(c));
        if (TrivialProduct(m, n, k, c, accumulate)) return;
        fixed (float* pa = a, pc = c)
        {
            var problem = new GemmProblem
            {
                A = pa, C = pc, M = m, N = n, K = k, TransA = transA, Accumulate = accumulate, Kernel = _kernel,
                PrepackedB = b.Data, PrepackedPaddedN = b.PaddedN,
            };
            Execute(problem, GemmPlan.Create(m, n, k, transB: false, bPrepacked: true));
        }
        GC.KeepAlive(b);
    }

    /// <summary>
    /// Packs op(B) [k,n] (B stored [k,n], or [n,k] when <paramref name="trans"/>) for reuse by many GEMMs. Allocates;
    /// repack changed values into the same object with <see cref="Pack(bool, ReadOnlySpan{float}, PackedMatrix)"/>.
    /// </summary>
    public PackedMatrix Pack(bool trans, int k, int n, ReadOnlySpan<float> b)
    {
        CheckShape(1, n, k);
        var packed = new PackedMatrix(k, n);
        Pack(trans, b, packed);
        return packed;
    }

    /// <summary>
    /// Packs op(B) [k, n] into <paramref name="reuse"/> when it has that shape (no allocation: weights repacked every
    /// pass), else into a new matrix.
    /// </summary>
    public PackedMatrix Pack(bool trans, int k, int n, ReadOnlySpan<float> b, PackedMatrix? reuse)
    {
        if (reuse is null || reuse.K != k || reuse.N != n) return Pack(trans, k, n, b);
        Pack(trans, b, reuse);
        return reuse;
    }

    /// <summary>Repacks new values of the same shape into <paramref name="destination"/> without allocating.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Pack(bool trans, ReadOnlySpan<float> b, PackedMatrix destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ObjectDisposedException.ThrowIf(_disposed, this);
        int k = destination.K, n = destination.N;
        CheckLength(b.Length, (long)k * n, nameof(b));
        fixed (float* pb = b)
        {
            PackShared(pb, k, n, trans, destination.Data, destination.PaddedN);
        }
        GC.KeepAlive(destination);
    }

    /// <summary>
    /// Packs op(A) [m, k] (A stored [m, k], or [k, m] when <paramref name="trans"/>) into six-row panels for
    /// <see cref="MultiplyLanes"/>. Allocates; repack changed values with
    /// <see cref="PackPanels(bool, ReadOnlySpan{float}, PackedPanels)"/>.
    /// </summary>
    public PackedPanels PackPanels(bool trans, int m, int k, ReadOnlySpan<float> a)
    {
        CheckShape(m, 1, k);
        var packed = new PackedPanels(m, k);
        PackPanels(trans, a, packed);
        return packed;
    }

    /// <summary>Packs op(A) [m, k] into <paramref name="reuse"/> when it has that shape, else into new panels.</summary>
    public PackedPanels PackPanels(bool trans, int m, int k, ReadOnlySpan<float> a, PackedPanels? reuse)
    {
        if (reuse is null || reuse.M != m || reuse.K != k) return PackPanels(trans, m, k, a);
        PackPanels(trans, a, reuse);
        return reuse;
    }

    /// <summary>Repacks new values of the same shape into <paramref name="destination"/> without allocating.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PackPanels(bool trans, ReadOnlySpan<float> a, PackedPanels destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int m = destination.M, k = destination.K;
        CheckLength(a.Length, (long)m * k, nameof(a));
        fixed (float* pa = a)
        {
            GemmPackingA.Pack(pa, m, k, trans, 0, m, 0, k, destination.Data);
        }
        GC.KeepAlive(destination);
    }

    /// <summary>
    /// Packs panels [<paramref name="firstPanel"/>, firstPanel + <paramref name="panels"/>) of op(A) (rows 6·firstPanel
    /// on) into <paramref name="destination"/> on the calling thread: the same values as
    /// <see cref="PackPanels(bool, ReadOnlySpan{float}, PackedPanels)"/> puts there, so parallel pieces can pack a
    /// matrix between them (each panel's writes stay inside it). <paramref name="a"/> holds all of A.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void PackPanelRange(bool trans, float* a, PackedPanels destination, int firstPanel, int panels)
    {
        const int MR = GemmMicroKernel.MR;
        int m = destination.M, k = destination.K, row = firstPanel * MR;
        var rows = Math.Min(panels * MR, m - row);
        if (firstPanel < 0 || rows <= 0) throw new ArgumentOutOfRangeException(nameof(firstPanel), firstPanel, $"op(A) has {m} rows");
        GemmPackingA.Pack(a, m, k, trans, row, rows, 0, k, destination.Data + (nint)row * k);
        GC.KeepAlive(destination);
    }

    /// <summary>
    /// A hint that parallel work follows shortly (after some serial set-up on this thread): sleeping workers start
    /// waking now, so they are spinning when it arrives. Costs nothing when they are awake or there are none.
    /// </summary>
    public void WakeWorkers()
    {
        if (!IsNested) _pool?.Wake();
    }

    /// <summary>
    /// Runs <paramref name="body"/>(piece) for piece in [0, pieces) on the threads, each claiming the next unclaimed
    /// piece (a worker that starts late simply takes fewer). Deterministic when each piece writes only its own
    /// outputs, whose values depend only on the piece index. Cache the delegate to keep the call allocation-free.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ParallelFor(int pieces, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegative(pieces);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (pieces == 0) return;
        if (_pool == null || pieces == 1 || IsNested)
        {
            for (var piece = 0; piece < pieces; piece++) body(piece);
            return;
        }
        lock (_callGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _forJob.Set(pieces, body);
            try
            {
                _pool.Run(_forJob, Math.Min(Threads, pieces));
            }
            finally
            {
                _forJob.Clear();
            }
        }
    }

    private bool IsNested => _pool != null && _pool.IsInside(out _);

    /// <summary>
    /// Packs B once, shared by all threads, then runs the prepacked path (bit-identical). Without this, a GEMM with
    /// several row blocks packs B again for each of them (or A for each column block), which halved the speed of the
    /// window-wide weight-gradient GEMMs.
    /// </summary>
    private void ExecuteWithSharedB(GemmProblem problem)
    {
        int k = problem.K, n = problem.N;
        var paddedN = GemmPlan.RoundUp(n, GemmMicroKernel.NR);
        lock (_callGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var packed = _sharedB.PackedB((long)k * paddedN);
            PackShared(problem.B, k, n, problem.TransB, packed, paddedN);
            problem.B = null;
            problem.PrepackedB = packed;
            problem.PrepackedPaddedN = paddedN;
            Execute(problem, GemmPlan.Create(problem.M, n, k, transB: false, bPrepacked: true));
        }
    }

    /// <summary>Packs op(B) [k, n] into the PackedMatrix layout at destination, split over the threads.</summary>
    private void PackShared(float* b, int k, int n, bool trans, float* destination, int paddedN)
    {
        lock (_callGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _packJob.Set(b, k, n, trans, destination, paddedN);
            try
            {
                if (_pool == null || IsNested) _packJob.RunAll();
                else _pool.Run(_packJob, Threads);
            }
            finally
            {
                _packJob.Clear();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Execute(in GemmProblem problem, in GemmPlan plan)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pool != null && _pool.IsInside(out var worker))
        {
            // Nested in a ParallelFor piece: this thread's workspace is free (ParallelFor does not use it).
            GemmDriver.RunTiles(problem, plan, 0, plan.TileCount, _workspaces[worker]);
            return;
        }
        var participants = Math.Min(Threads, plan.TileCount);
        var small = (long)problem.M * problem.N * problem.K < GemmPlan.MinParallelMacs;
        lock (_callGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_pool == null || participants == 1 || small)
            {
                GemmDriver.RunTiles(problem, plan, 0, plan.TileCount, _workspaces[0]);
                return;
            }
            _gemmJob.Set(problem, plan);
            try
            {
                _pool.Run(_gemmJob, participants);
            }
            finally
            {
                _gemmJob.Clear();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TrivialProduct(int m, int n, int k, Span<float> c, bool accumulate)
    {
        if (m == 0 || n == 0) return true;
        if (k != 0) return false;
        if (!accumulate) c[..(m * n)].Clear();
        return true;
    }

    private static void CheckShape(int m, int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckLength(int length, long required, string name)
    {
        if (length < required)
            throw new ArgumentException($"{name} has {length} elements but the shape needs {required}", name);
    }

    public void Dispose()
    {
        lock (_callGate)
        {
            if (_disposed) return;
            _disposed = true;
            _pool?.Dispose();
            foreach (var workspace in _workspaces) workspace.Dispose();
            _sharedB.Dispose();
        }
    }
}
