namespace Rnn.Silo.Tests;

public sealed class ThreeSiloFixture() : ClusterFixture(3);
