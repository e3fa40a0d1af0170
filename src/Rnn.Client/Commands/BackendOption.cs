using System.CommandLine;
using Rnn.Kernels.Backends;
using Rnn.Kernels.Ilgpu;
using Rnn.Training.Jobs;
using Rnn.Client;

namespace Rnn.Client.Commands;

/// <summary>
/// The --backend option: cpu (SIMD, default), ilgpu-cpu (the GPU kernels on ILGPU's CPU accelerator; slow, for
/// checking them without a GPU) or cuda (ILGPU on an NVIDIA GPU).
/// </summary>
internal static class BackendOption
{
    public static IReadOnlyList<string> Known { get; } = [BackendNames.Cpu, BackendNames.IlgpuCpu, BackendNames.Cuda];

    public static Option<string> Create()
    {
        var option = new Option<string>("--backend")
        {
            Description = $"Compute backend: {string.Join(", ", Known)}",
            HelpName = "NAME",
            DefaultValueFactory = _ => BackendNames.Cpu,
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!Known.Contains(value, StringComparer.Ordinal))
            {
                result.AddError($"unknown backend '{value}'; known backends: {string.Join(", ", Known)}");
            }
        });
        return option;
    }

    /// <summary>Which device and GEMM an ILGPU backend runs on (e.g. "backend cuda: NVIDIA H200 (Cuda), GEMM: cuBLAS"),
    /// and why cuBLAS did not load where it did not; null for the CPU backend, which needs no such line.</summary>
    public static string? Describe(IComputeBackend backend)
    {
        if (backend is not IlgpuBackend ilgpu) return null;
        var why = ilgpu.Device.Gemm.CuBlasFailure is { } failure ? $" (cuBLAS not used: {failure})" : "";
        return $"backend {backend.Name}: {ilgpu.Device.Description}{why}";
    }

    /// <summary>The backend by name; a backend this machine cannot run (cuda without a GPU) is a usage error.</summary>
    public static IComputeBackend Open(string name, int threads)
    {
        try
        {
            return ComputeBackends.Create(name, threads);
        }
        catch (InvalidOperationException e)
        {
            throw new CommandException(ExitCodes.Usage, $"--backend {name}: {e.Message}");
        }
    }
}
