using System.Text.RegularExpressions;

namespace Rnn.Telemetry.Tests.Support;

/// <summary>
/// The metric names a PromQL expression reads: what is left after removing strings, label matchers {…}, ranges […],
/// grouping clauses by/without (…), function calls, keywords and numbers. Enough for the dashboard's queries.
/// </summary>
internal static partial class PromQlNames
{
    private static readonly HashSet<string> Keywords =
        ["by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or", "unless"];

    public static IReadOnlySet<string> Of(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var text = QuotedString().Replace(expression, " ");
        text = LabelMatchers().Replace(text, " ");
        text = RangeSelector().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        return Identifier().Matches(text)
            .Where(m => !IsCall(text, m) && !Keywords.Contains(m.Value))
            .Select(m => m.Value).ToHashSet();
    }

    private static bool IsCall(string text, Match m)
    {
        var i = m.Index + m.Length;
        while (i < text.Length && text[i] == ' ') i++;
        return i < text.Length && text[i] == '(';
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangeSelector();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();
}
