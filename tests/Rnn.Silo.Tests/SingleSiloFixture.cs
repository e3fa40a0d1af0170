namespace Rnn.Silo.Tests;

public sealed class SingleSiloFixture() : ClusterFixture(1);
