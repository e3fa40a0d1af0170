namespace Rnn.Telemetry.Tests.Support;

/// <summary>The straggler and trace tests read the exports of one instrumented run (a cluster start and a job each costs seconds).</summary>
[CollectionDefinition(Name)]
public sealed class InstrumentedClusterCollection : ICollectionFixture<InstrumentedClusterFixture>
{
    public const string Name = "instrumented cluster";
}
