using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Rnn.Kernels.Ilgpu.Gemm;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Ilgpu.Runtime;

/// <summary>
/// One ILGPU context and accelerator with its compiled kernels and GEMM. <c>ilgpu-cpu</c> is ILGPU's CPU
/// accelerator (the GPU kernels interpreted on the CPU, for tests); <c>cuda</c> is the first CUDA device.
/// </summary>
public sealed class IlgpuDevice : IDisposable
{
    private readonly Context _context;

    private IlgpuDevice(Context context, Accelerator accelerator, bool allowCuBlas)
    {
        _context = context;
        Accelerator = accelerator;
        Kernels = new IlgpuKernels(accelerator);
        Gemm = new IlgpuGemm(accelerator, allowCuBlas);
    }

    public Accelerator Accelerator { get; }

    public IlgpuKernels Kernels { get; }

    public IlgpuGemm Gemm { get; }

    /// <summary>E.g. "CPUAccelerator" or the CUDA device's name, and which GEMM runs.</summary>
    public string Description => $"{Accelerator.Name} ({Accelerator.AcceleratorType}), GEMM: " +
                                 (Gemm.UsesCuBlas ? "cuBLAS" : $"ILGPU tiled {Gemm.Tile}×{Gemm.Tile}");

    /// <summary>ILGPU's CPU accelerator (default CPU device: groups of up to 16 threads).</summary>
    public static IlgpuDevice CreateCpu()
    {
        var context = Context.Create(b => b.CPU().EnableAlgorithms());
        try
        {
            return new IlgpuDevice(context, context.CreateCPUAccelerator(0), allowCuBlas: false);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>True when ILGPU finds a CUDA device on this machine (a driver is installed and a GPU is visible).</summary>
    public static bool CudaAvailable()
    {
        try
        {
            using var context = Context.Create(b => b.Cuda());
            return context.GetCudaDevices().Count > 0;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>The first CUDA device; throws with a clear message when there is none.</summary>
    public static IlgpuDevice CreateCuda(bool allowCuBlas = true)
    {
        var context = Context.Create(b => b.Cuda().EnableAlgorithms());
        try
        {
            var devices = context.GetCudaDevices();
            if (devices.Count == 0)
                throw new InvalidOperationException("backend 'cuda' needs an NVIDIA GPU with a CUDA driver; ILGPU found none on this machine");
            return new IlgpuDevice(context, devices[0].CreateCudaAccelerator(context), allowCuBlas);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>The device view of one named parameter (or gradient) inside a flat device buffer.</summary>
    public static ArrayView<float> Of(ParameterView view, ArrayView<float> flat) => flat.SubView(view.Offset, view.Length);

    public void Synchronize() => Accelerator.Synchronize();

    /// <summary>
    /// Makes the accelerator current on the calling thread. ILGPU binds it for its own accelerator-level calls, but not
    /// for buffer copies and kernel launches, and a CUDA context is current per thread: an executor called from
    /// whichever compute thread a silo hands it (or created on one thread and used on another) binds first.
    /// </summary>
    public void BindToCurrentThread() => Accelerator.Bind();

    public void Dispose()
    {
        Gemm.Dispose();
        Accelerator.Dispose();
        _context.Dispose();
    }
}
