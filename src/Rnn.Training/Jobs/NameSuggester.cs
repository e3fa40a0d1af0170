namespace Rnn.Training.Jobs;

/// <summary>"Did you mean" for misspelt keys and values: case, '_'/'-' and camelCase slips, typos, and truncations.</summary>
internal static class NameSuggester
{
    /// <summary>" (did you mean 'x'?)" or empty when nothing is close enough to be a useful guess.</summary>
    public static string Hint(string input, IEnumerable<string> candidates)
    {
        var suggestion = Suggest(input, candidates);
        return suggestion is null ? "" : $" (did you mean '{suggestion}'?)";
    }

    public static string? Suggest(string input, IEnumerable<string> candidates)
    {
        var normalizedInput = Normalize(input);
        if (normalizedInput.Length == 0) return null;

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var normalizedCandidate = Normalize(candidate);
            if (normalizedCandidate == normalizedInput) return candidate;

            var distance = OptimalStringAlignmentDistance(normalizedInput, normalizedCandidate);
            // A shared prefix of three or more characters is a likely truncation ("batch" for "batch_size") or
            // elaboration ("synchronous" for "sync").
            var isPrefix = Math.Min(normalizedInput.Length, normalizedCandidate.Length) >= 3
                && (normalizedCandidate.StartsWith(normalizedInput, StringComparison.Ordinal)
                    || normalizedInput.StartsWith(normalizedCandidate, StringComparison.Ordinal));
            var closeEnough = distance <= Math.Max(1, normalizedInput.Length / 3) || isPrefix;
            if (closeEnough && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    // Lower-case and drop separators, so "batchSize", "Batch-Size" and "batch_size" compare equal.
    private static string Normalize(string name) =>
        new(name.Where(c => c is not ('_' or '-' or ' ')).Select(char.ToLowerInvariant).ToArray());

    // Levenshtein plus adjacent transpositions ("lsmt" -> "lstm" is one edit).
    private static int OptimalStringAlignmentDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, d[i - 2, j - 2] + 1);
                }
                d[i, j] = value;
            }
        }
        return d[a.Length, b.Length];
    }
}
