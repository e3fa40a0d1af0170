namespace Rnn.Silo.Tests;

/// <summary>
/// Two silos, the second of which says it offers a GPU (gpu=true), for placement tests. The in-process test cluster
/// names its first silo "Silo_0" ("Primary" in older releases).
/// </summary>
public sealed class OneGpuSiloFixture() : ClusterFixture(2, name => !(name == "Primary" || name.EndsWith("_0", StringComparison.Ordinal)));
