using System.Text;
using System.Text.Json.Nodes;

namespace Rnn.Training.Jobs;

/// <summary>
/// Where two resolved jobs differ, by job-file field (<c>training.steps</c>, <c>model.layers[0].units</c>,
/// <c>init_from</c>), compared on their canonical forms (<see cref="ResolvedJobFile"/>): what a resume names when the
/// job file changed since the run. Values the data implies (training items, input size) are named only when no field
/// of the job itself differs, since they then say that the data changed.
/// </summary>
public static class ResolvedJobDiff
{
    /// <summary>One difference: the field, its value in <paramref name="Before"/>'s job and in the other's (JSON text, "absent").</summary>
    public sealed record Difference(string Field, string Before, string After);

    public static IReadOnlyList<Difference> Between(ResolvedJob before, ResolvedJob after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var found = new List<(string Path, string Before, string After)>();
        Compare(JsonNode.Parse(ResolvedJobFile.Serialize(before with { ContentHash = "" })),
            JsonNode.Parse(ResolvedJobFile.Serialize(after with { ContentHash = "" })), "", found);
        var spec = found.Where(d => d.Path.StartsWith("Spec.", StringComparison.Ordinal)).ToList();
        // Changed weights at the same init_from path show only in the hash.
        var weights = found.Where(d => d.Path == nameof(ResolvedJob.InitFromSha256) && !spec.Any(s => s.Path == "Spec.InitFrom"));
        var shown = spec.Count > 0 ? spec.Concat(weights) : found;
        return shown.Select(d => new Difference(FieldOf(d.Path), d.Before, d.After)).ToArray();
    }

    private static void Compare(JsonNode? a, JsonNode? b, string path, List<(string, string, string)> found)
    {
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var key in oa.Select(p => p.Key).Union(ob.Select(p => p.Key)).Order(StringComparer.Ordinal))
                Compare(oa[key], ob[key], path.Length == 0 ? key : path + "." + key, found);
            return;
        }
        if (a is JsonArray aa && b is JsonArray ab && aa.Count == ab.Count)
        {
            for (var i = 0; i < aa.Count; i++) Compare(aa[i], ab[i], $"{path}[{i}]", found);
            return;
        }
        var ta = a?.ToJsonString() ?? "absent";
        var tb = b?.ToJsonString() ?? "absent";
        if (ta != tb) found.Add((path, ta, tb));
    }

    /// <summary>"Spec.Training.BatchSize" → "training.batch_size"; "InitFromSha256" → "init_from"; "TotalSteps" → "total_steps".</summary>
    private static string FieldOf(string path)
    {
        if (path == nameof(ResolvedJob.InitFromSha256)) return "init_from";
        if (path.StartsWith("Spec.", StringComparison.Ordinal)) path = path["Spec.".Length..];
        var text = new StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && char.IsLetterOrDigit(path[i - 1])) text.Append('_');
                text.Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }
        return text.ToString();
    }
}
