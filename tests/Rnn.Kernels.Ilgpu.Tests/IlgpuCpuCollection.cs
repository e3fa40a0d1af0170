namespace Rnn.Kernels.Ilgpu.Tests;

/// <summary>Tests sharing the CPU accelerator run one at a time (the machine is small and the accelerator is slow).</summary>
[CollectionDefinition(Name)]
public sealed class IlgpuCpuCollection : ICollectionFixture<IlgpuCpuFixture>
{
    public const string Name = "ILGPU CPU accelerator";
}
