using System.Text.RegularExpressions;

namespace Rnn.Telemetry.Tests.Support;

/// <summary>Reads the Prometheus text exposition format just enough to list series names and their samples.</summary>
internal static partial class PrometheusText
{
    /// <summary>Every series name with a sample in <paramref name="scrape"/> (histograms as _bucket, _sum, _count).</summary>
    public static IReadOnlySet<string> SeriesNames(string scrape) =>
        scrape.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => SeriesName().Match(l).Value).ToHashSet();

    /// <summary>The sample lines of series <paramref name="name"/>.</summary>
    public static IReadOnlyList<string> Samples(string scrape, string name) =>
        scrape.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal)).ToArray();

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex SeriesName();
}
