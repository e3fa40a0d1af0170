using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU.Runtime.Cuda;

namespace Rnn.Kernels.Ilgpu.Gemm;

/// <summary>
/// Lets ILGPU.Algorithms' cuBLAS binding, which names only libcublas.so.12/.11/.10, run on CUDA 13's libcublas.so.13.
/// The functions it calls (cublasCreate_v2, cublasSgemm_v2, cublasSetStream_v2, ...) keep their signatures in
/// cuBLAS 13; on an H200 with CUDA 13 this gave 9 golden passes and a 3× faster LSTM step than the tiled kernel
/// (docs/gpu.md). An installed libcublas.so.12 is still preferred: the resolver answers only when it fails to load.
/// </summary>
internal static class CuBlasLibraryResolver
{
    private const string Cuda12Name = "libcublas.so.12";
    private const string Cuda13Name = "libcublas.so.13";
    private static int _registered;

    /// <summary>Installs the resolver on ILGPU.Algorithms once per process (Linux only; elsewhere nothing to do).</summary>
    public static void Register()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _registered, 1) == 1) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(CuBlas).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Someone else already set a resolver for that assembly; theirs stays, and cuBLAS loads as ILGPU names it.
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != Cuda12Name) return IntPtr.Zero;
        if (NativeLibrary.TryLoad(Cuda12Name, assembly, searchPath, out var handle)) return handle;
        foreach (var candidate in Cuda13Candidates())
        {
            if (NativeLibrary.TryLoad(candidate, out handle)) return handle;
        }
        return IntPtr.Zero;
    }

    // The loader's own search first, then the toolkit's usual folders (they are often not on the loader's path).
    private static IEnumerable<string> Cuda13Candidates()
    {
        yield return Cuda13Name;
        foreach (var root in new[] { Environment.GetEnvironmentVariable("CUDA_HOME"), Environment.GetEnvironmentVariable("CUDA_PATH"), "/usr/local/cuda" })
        {
            if (string.IsNullOrEmpty(root)) continue;
            yield return Path.Combine(root, "lib64", Cuda13Name);
            yield return Path.Combine(root, "targets", "x86_64-linux", "lib", Cuda13Name);
        }
    }
}
