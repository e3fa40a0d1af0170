namespace Rnn.Kernels.Backends;

/// <summary>The compute backend a job asks for (<c>backend</c>); <see cref="BackendNames"/> spells each.</summary>
public enum BackendKind
{
    /// <summary>The silo chooses at submission: cuda when a GPU silo is up, else cpu.</summary>
    Auto,
    Cpu,
    IlgpuCpu,
    Cuda,
}
