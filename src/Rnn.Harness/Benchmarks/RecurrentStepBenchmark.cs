using System.Runtime.CompilerServices;
using System.Diagnostics;
using Rnn.Kernels.Backends;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;

namespace Rnn.Harness.Benchmarks;

/// <summary>
/// One training step of one recurrent layer, as torchref's bench measures libtorch: forward over T steps from a zero
/// state, loss = sum of the outputs (dy = 1, no gradient on the final state), backward to every parameter; like
/// libtorch there (x and the initial state do not require grad) the CPU layer computes neither's gradient. Buffers are allocated once;
/// on the CPU backend <see cref="RunStep"/> allocates nothing after the first call. With lengths the same step runs
/// as a packed batch (sample b only lengths[b] steps, the batch in length order, longest first), so its time can be
/// set against the same batch padded to T.
/// </summary>
public sealed class RecurrentStepBenchmark : IDisposable
{
    private readonly CpuCompute _compute;
    private readonly bool _ownsCompute;
    private readonly RecurrentLayer _layer;
    private readonly IRecurrentStackExecutor? _executor;
    private readonly float[] _parameters, _gradients, _x, _y, _dy, _state0, _stateT, _dStateT;
    private readonly int _steps, _batch;
    private readonly int[] _lengths = [];

    public RecurrentStepBenchmark(RecurrentCell cell, int input, int hidden, int steps, int batch, int threads,
        int[]? lengths = null)
        : this(null, cell, input, hidden, steps, batch, threads, lengths)
    {
    }

    /// <summary>
    /// B lengths uniform in 1..T from a fixed seed, sorted longest first (the packed order); the same every run.
    /// </summary>
    public static int[] UniformLengths(int steps, int batch)
    {
        var random = new DeterministicRandom(20);
        var lengths = new int[batch];
        for (var b = 0; b < batch; b++) lengths[b] = 1 + random.NextInt(steps);
        Array.Sort(lengths, (a, b) => b.CompareTo(a));
        return lengths;
    }

    /// <summary>
    /// On another backend (ilgpu-cpu, cuda) the step runs through its recurrent-stack executor's
    /// <see cref="IRecurrentStackExecutor.StepWithSumLoss"/>: parameters and x go to the device, the gradient comes
    /// back, y and dy stay there, as in a shard's step (and as PyTorch's, whose tensors stay on the GPU).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public RecurrentStepBenchmark(IComputeBackend? backend, RecurrentCell cell, int input, int hidden, int steps,
        int batch, int threads, int[]? lengths = null)
    {
        _ownsCompute = backend is not CpuBackend;
        _compute = backend is CpuBackend cpu ? cpu.Compute : new CpuCompute(threads);
        var layout = new ParameterLayout();
        _layer = RecurrentLayer.Create(cell, layout, 0, input, hidden, _compute);
        _steps = steps;
        _batch = batch;
        _parameters = new float[layout.TotalLength];
        _layer.Initialize(_parameters, new DeterministicRandom(1));
        _gradients = new float[layout.TotalLength];
        var random = new DeterministicRandom(2);
        _x = new float[steps * batch * input];
        for (var i = 0; i < _x.Length; i++) _x[i] = 2f * random.NextFloat() - 1f;
        if (lengths is not null)
        {
            if (backend is not null and not CpuBackend)
                throw new NotSupportedException($"packed lengths run on the cpu backend only for now, not on {backend.Name}");
            _lengths = lengths;
        }
        // Packed: only each sample's own steps count.
        var sampleSteps = lengths is null ? (double)steps * batch : lengths.Sum(n => (double)n);
        Flops = 6.0 * sampleSteps * _layer.GateCount * hidden * (input + hidden);
        if (backend is not null and not CpuBackend)
        {
            // y, dy and the states live on the device there: no host copies of them.
            _executor = backend.CreateRecurrentStack([_layer]);
            _y = _dy = _state0 = _stateT = _dStateT = [];
            return;
        }
        _y = new float[steps * batch * hidden];
        _dy = new float[steps * batch * hidden];
        Array.Fill(_dy, 1f);
        var state = _layer.StateCount * batch * hidden;
        _state0 = new float[state];
        _stateT = new float[state];
        _dStateT = new float[state];
    }

    /// <summary>GEMM floating-point operations of one step (forward + backward ≈ 3 × the forward GEMMs) over the valid steps.</summary>
    public double Flops { get; }

    /// <summary>The CPU kernels' instruction set (see <see cref="CpuCompute.InstructionSet"/>); null on a device backend.</summary>
    public string? InstructionSet => _executor is null ? _compute.InstructionSet : null;

    /// <summary>True when the CPU kernels run on Vector512, so their peak is <see cref="FmaPeak"/>'s 512-bit one.</summary>
    public bool UsesVector512 => _executor is null && _compute.UsesVector512;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunStep()
    {
        Array.Clear(_gradients);
        if (_executor is not null)
        {
            _executor.StepWithSumLoss(_parameters, _x, _steps, _batch, _gradients);
            return;
        }
        _layer.Forward(_parameters, _x, _state0, _y, _stateT, _steps, _batch, _lengths);
        _layer.Backward(_parameters, _dy, _dStateT, [], [], _gradients);
    }

    /// <summary>Median seconds of <paramref name="repeats"/> steps after <paramref name="warmups"/> (torchref: 10 after 3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double MedianSeconds(int warmups = 3, int repeats = 10)
    {
        for (var i = 0; i < warmups; i++) RunStep();
        var times = new double[repeats];
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            RunStep();
            times[i] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return repeats % 2 == 1 ? times[repeats / 2] : (times[repeats / 2 - 1] + times[repeats / 2]) / 2;
    }

    public void Dispose()
    {
        _executor?.Dispose();
        if (_ownsCompute) _compute.Dispose();
    }
}
