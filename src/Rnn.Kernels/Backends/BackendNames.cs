namespace Rnn.Kernels.Backends;

/// <summary>The compute backends a job file may name in <c>backend</c>.</summary>
public static class BackendNames
{
    /// <summary>Let the silo choose: cuda when a GPU is present, else cpu.</summary>
    public const string Auto = "auto";
    public const string Cpu = "cpu";

    /// <summary>ILGPU's CPU accelerator: runs the GPU kernels without a GPU (for tests).</summary>
    public const string IlgpuCpu = "ilgpu-cpu";
    public const string Cuda = "cuda";

    public static IReadOnlyList<string> All { get; } = [Auto, Cpu, IlgpuCpu, Cuda];

    /// <summary>The kind a name stands for; the job parser has checked the name is one of <see cref="All"/>.</summary>
    public static BackendKind KindOf(string name) => name switch
    {
        Auto => BackendKind.Auto,
        Cpu => BackendKind.Cpu,
        IlgpuCpu => BackendKind.IlgpuCpu,
        Cuda => BackendKind.Cuda,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, $"not a backend; use one of {string.Join(", ", All)}"),
    };
}
