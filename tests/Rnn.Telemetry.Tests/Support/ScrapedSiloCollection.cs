namespace Rnn.Telemetry.Tests.Support;

/// <summary>The HTTP and dashboard-query tests share one standalone silo that ran one job.</summary>
[CollectionDefinition(Name)]
public sealed class ScrapedSiloCollection : ICollectionFixture<ScrapedSiloFixture>
{
    public const string Name = "scraped silo";
}
