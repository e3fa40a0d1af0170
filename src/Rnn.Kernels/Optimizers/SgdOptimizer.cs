using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Kernels.Optimizers;

/// <summary>
/// torch.optim.SGD (dampening 0, single-tensor path) in float32, one block of the flat parameter vector per instance:
/// <code>
/// g = g + weight_decay * p                     (only when weight_decay != 0)
/// buf = g on the first step, else buf = momentum * buf + g   (only when momentum != 0)
/// g = nesterov ? g + momentum * buf : buf
/// p = p + (-lr) * g
/// </code>
/// No fused multiply-add, so the Vector256 body and the scalar tail give identical bits, and any split into ranges
/// (<see cref="UpdateRange"/>) the bits of the whole block.
/// </summary>
public sealed class SgdOptimizer : IRangeOptimizer
{
    public const string KindName = "sgd";
    public const string MomentumBufferName = "momentum_buffer";

    private readonly float[] _momentumBuffer;
    // The step begun last (BeginStep): whether it is the first, and −lr as float.
    private bool _firstStep;
    private float _negativeLearningRate;

    /// <summary>The hyper-parameters are the job's doubles, rounded to float once (torch's Python scalars).</summary>
    public SgdOptimizer(int length, double momentum = 0, bool nesterov = false, double weightDecay = 0)
    {
        HyperparameterCheck.Length(length, nameof(length));
        HyperparameterCheck.NonNegativeFinite(momentum, nameof(momentum));
        HyperparameterCheck.NonNegativeFinite(weightDecay, nameof(weightDecay));
        if (nesterov && momentum == 0)
            throw new ArgumentException("Nesterov momentum needs momentum > 0", nameof(nesterov));
        Length = length;
        Momentum = (float)momentum;
        Nesterov = nesterov;
        WeightDecay = (float)weightDecay;
        // Plain SGD keeps no state beyond the step count, like torch's momentum_buffer = None.
        _momentumBuffer = Momentum != 0f ? new float[length] : [];
    }

    public string Kind => KindName;

    public int Length { get; }

    public long StepCount { get; private set; }

    public float Momentum { get; }

    public bool Nesterov { get; }

    public float WeightDecay { get; }

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients, double learningRate)
    {
        HyperparameterCheck.Spans(Length, parameters.Length, gradients.Length);
        BeginStep(learningRate);
        UpdateRange(parameters, gradients, 0);
    }

    public void BeginStep(double learningRate)
    {
        HyperparameterCheck.NonNegativeFinite(learningRate, nameof(learningRate));
        _firstStep = StepCount == 0;
        _negativeLearningRate = (float)-learningRate;
        StepCount++;
    }

    public void UpdateRange(Span<float> parameters, ReadOnlySpan<float> gradients, int offset)
    {
        HyperparameterCheck.Range(Length, offset, parameters.Length, gradients.Length);
        var buffer = Momentum != 0f ? _momentumBuffer.AsSpan(offset, parameters.Length) : [];
        Update(parameters, gradients, buffer, _firstStep, _negativeLearningRate);
    }

    public OptimizerState ExportState()
    {
        var buffers = new Dictionary<string, float[]>();
        if (Momentum != 0f) buffers[MomentumBufferName] = (float[])_momentumBuffer.Clone();
        return new OptimizerState(KindName, StepCount, buffers);
    }

    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.RequireKind(KindName);
        if (Momentum != 0f) state.RequireBuffer(MomentumBufferName, Length).CopyTo(_momentumBuffer, 0);
        StepCount = state.StepCount;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Update(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> momentumBuffer,
        bool firstStep, float negativeLearningRate)
    {
        var length = parameters.Length;
        var decay = WeightDecay != 0f;
        var useMomentum = Momentum != 0f;
        ref var p0 = ref MemoryMarshal.GetReference(parameters);
        ref var g0 = ref MemoryMarshal.GetReference(gradients);
        ref var b0 = ref MemoryMarshal.GetReference(momentumBuffer);
        var i = 0;

        if (Vector512.IsHardwareAccelerated)
        {
            // The Vector256 body below on sixteen lanes: the same operations, so the same bits.
            var weightDecay = Vector512.Create(WeightDecay);
            var momentum = Vector512.Create(Momentum);
            var negativeRate = Vector512.Create(negativeLearningRate);
            for (; i <= length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var offset = (nuint)i;
                var p = Vector512.LoadUnsafe(ref p0, offset);
                var g = Vector512.LoadUnsafe(ref g0, offset);
                if (decay) g += weightDecay * p;
                if (useMomentum)
                {
                    var buffer = firstStep ? g : Vector512.LoadUnsafe(ref b0, offset) * momentum + g;
                    buffer.StoreUnsafe(ref b0, offset);
                    g = Nesterov ? g + momentum * buffer : buffer;
                }
                p += negativeRate * g;
                p.StoreUnsafe(ref p0, offset);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var weightDecay = Vector256.Create(WeightDecay);
            var momentum = Vector256.Create(Momentum);
            var negativeRate = Vector256.Create(negativeLearningRate);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var offset = (nuint)i;
                var p = Vector256.LoadUnsafe(ref p0, offset);
                var g = Vector256.LoadUnsafe(ref g0, offset);
                // g = g + wd·p
                if (decay) g += weightDecay * p;
                if (useMomentum)
                {
                    // buf = g (first step) or μ·buf + g; then g = g + μ·buf (Nesterov) or buf
                    var buffer = firstStep ? g : Vector256.LoadUnsafe(ref b0, offset) * momentum + g;
                    buffer.StoreUnsafe(ref b0, offset);
                    g = Nesterov ? g + momentum * buffer : buffer;
                }
                // p = p + (−lr)·g
                p += negativeRate * g;
                p.StoreUnsafe(ref p0, offset);
            }
        }

        // Scalar tail: the same operations in the same order as the vector body above.
        for (; i < length; i++)
        {
            ref var p = ref Unsafe.Add(ref p0, i);
            var g = Unsafe.Add(ref g0, i);
            // g = g + wd·p
            if (decay) g += WeightDecay * p;
            if (useMomentum)
            {
                // buf = g (first step) or μ·buf + g; then g = g + μ·buf (Nesterov) or buf
                ref var buffer = ref Unsafe.Add(ref b0, i);
                buffer = firstStep ? g : buffer * Momentum + g;
                g = Nesterov ? g + Momentum * buffer : buffer;
            }
            // p = p + (−lr)·g
            p += negativeLearningRate * g;
        }
    }
}
