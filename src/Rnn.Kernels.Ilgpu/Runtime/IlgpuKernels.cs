using ILGPU;
using ILGPU.Runtime;
using Rnn.Kernels.Ilgpu.Kernels;
using Rnn.Kernels.Optimizers;
using Rnn.Kernels.Losses;

namespace Rnn.Kernels.Ilgpu.Runtime;

/// <summary>
/// Every element-wise kernel compiled once for one accelerator, with launchers that skip empty launches. All run
/// on the accelerator's default stream, in call order.
/// </summary>
public sealed class IlgpuKernels
{
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int> _fillRows;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> _fillRowsWithSum;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>> _copy;
    private readonly Action<Index1D, ArrayView<float>, float> _fill;
    private readonly Action<Index1D, ArrayView<float>> _tanh;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> _lstmForward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> _lstmBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> _gruForward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> _gruBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> _rnnBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int> _softmaxCrossEntropy;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> _meanSquaredError;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamStepCoefficients> _adam;

    public IlgpuKernels(Accelerator accelerator)
    {
        _fillRows = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(ElementwiseKernels.FillRows);
        _fillRowsWithSum = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ElementwiseKernels.FillRowsWithSum);
        _copy = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(ElementwiseKernels.Copy);
        _fill = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(ElementwiseKernels.Fill);
        _tanh = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>>(ElementwiseKernels.TanhInPlace);
        _lstmForward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(LstmCellKernels.Forward);
        _lstmBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(LstmCellKernels.Backward);
        _gruForward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(GruCellKernels.Forward);
        _gruBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(GruCellKernels.Backward);
        _rnnBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(SimpleRnnCellKernels.Backward);
        _softmaxCrossEntropy = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int>(LossKernels.SoftmaxCrossEntropy);
        _meanSquaredError = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(LossKernels.MeanSquaredError);
        _adam = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamStepCoefficients>(AdamKernels.Step);
    }

    public void FillRows(ArrayView<float> dst, ArrayView<float> bias, int rows, int cols)
    {
        if (rows * cols > 0) _fillRows(rows * cols, dst, bias, cols);
    }

    public void FillRowsWithSum(ArrayView<float> dst, ArrayView<float> b1, ArrayView<float> b2, int rows, int cols)
    {
        if (rows * cols > 0) _fillRowsWithSum(rows * cols, dst, b1, b2, cols);
    }

    public void Copy(ArrayView<float> src, ArrayView<float> dst, int length)
    {
        if (length > 0) _copy(length, src, dst);
    }

    public void Zero(ArrayView<float> dst, int length) => Fill(dst, 0f, length);

    public void Fill(ArrayView<float> dst, float value, int length)
    {
        if (length > 0) _fill(length, dst, value);
    }

    public void TanhInPlace(ArrayView<float> v, int length)
    {
        if (length > 0) _tanh(length, v);
    }

    public void LstmForward(int batchHidden, ArrayView<float> gates, ArrayView<float> cPrev, ArrayView<float> cNext,
        ArrayView<float> hNext, int hidden) => _lstmForward(batchHidden, gates, cPrev, cNext, hNext, hidden);

    public void LstmBackward(int batchHidden, ArrayView<float> gates, ArrayView<float> cPrev, ArrayView<float> cNext,
        ArrayView<float> dy, ArrayView<float> dh, ArrayView<float> dc, ArrayView<float> dGates, int hidden) =>
        _lstmBackward(batchHidden, gates, cPrev, cNext, dy, dh, dc, dGates, hidden);

    public void GruForward(int batchHidden, ArrayView<float> gx, ArrayView<float> gh, ArrayView<float> hPrev,
        ArrayView<float> hNext, int hidden) => _gruForward(batchHidden, gx, gh, hPrev, hNext, hidden);

    public void GruBackward(int batchHidden, ArrayView<float> gx, ArrayView<float> gh, ArrayView<float> hPrev,
        ArrayView<float> dy, ArrayView<float> dh, ArrayView<float> dGx, ArrayView<float> dGh, int hidden) =>
        _gruBackward(batchHidden, gx, gh, hPrev, dy, dh, dGx, dGh, hidden);

    public void SimpleRnnBackward(int batchHidden, ArrayView<float> h, ArrayView<float> dy, ArrayView<float> dh,
        ArrayView<float> dA) => _rnnBackward(batchHidden, h, dy, dh, dA);

    public void SoftmaxCrossEntropy(int rows, ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> dLogits,
        ArrayView<float> rowLoss, int classes)
    {
        if (rows > 0) _softmaxCrossEntropy(rows, logits, labels, dLogits, rowLoss, classes);
    }

    public void MeanSquaredError(int length, ArrayView<float> predictions, ArrayView<float> targets,
        ArrayView<float> dPredictions, ArrayView<float> terms)
    {
        if (length > 0) _meanSquaredError(length, predictions, targets, dPredictions, terms);
    }

    internal void Adam(int length, ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v,
        AdamStepCoefficients c)
    {
        if (length > 0) _adam(length, p, g, m, v, c);
    }
}
