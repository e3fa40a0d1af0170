using System.Globalization;
using System.Text.Json;

namespace Rnn.Training.Jobs;

/// <summary>
/// Reads one JSON value of an expected type and range. On a mismatch it records an error that says what was
/// expected and what was found, and returns null so the caller can go on collecting errors.
/// </summary>
internal static class JsonValueReader
{
    private const int MaxShownValueLength = 40;

    public static string? ReadString(JsonElement value, string field, JobErrorCollector errors)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(field, $"expected a string, got {Describe(value)}");
            return null;
        }
        var text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(field, "is empty; give a value");
            return null;
        }
        return text;
    }

    /// <summary>A string that must be one of <paramref name="allowed"/>; exact, lower-case spelling.</summary>
    public static string? ReadChoice(JsonElement value, string field, IReadOnlyList<string> allowed, string what, JobErrorCollector errors)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(field, $"expected a {what} (one of {string.Join(", ", allowed)}), got {Describe(value)}");
            return null;
        }
        var text = value.GetString()!;
        if (allowed.Contains(text, StringComparer.Ordinal)) return text;

        errors.Add(field, $"unknown {what} '{text}'; use one of {string.Join(", ", allowed)}{NameSuggester.Hint(text, allowed)}");
        return null;
    }

    public static int? ReadInt(JsonElement value, string field, int min, int max, JobErrorCollector errors)
    {
        var expectation = DescribeIntegerRange(min, max);
        if (value.ValueKind != JsonValueKind.Number)
        {
            errors.Add(field, $"expected {expectation}, got {Describe(value)}");
            return null;
        }
        // 5.0 and 1e3 are whole numbers and are accepted; 5.5 is not.
        if (value.TryGetDouble(out var number) && number == Math.Floor(number) && number >= min && number <= max)
        {
            return (int)number;
        }
        errors.Add(field, $"expected {expectation}, got {Shown(value)}");
        return null;
    }

    public static ulong? ReadUInt64(JsonElement value, string field, JobErrorCollector errors)
    {
        const string expectation = "a non-negative integer (at most 18446744073709551615)";
        if (value.ValueKind != JsonValueKind.Number)
        {
            errors.Add(field, $"expected {expectation}, got {Describe(value)}");
            return null;
        }
        if (value.TryGetUInt64(out var number)) return number;
        errors.Add(field, $"expected {expectation}, got {Shown(value)}");
        return null;
    }

    /// <summary>A finite number that satisfies <paramref name="isValid"/>; <paramref name="expectation"/> describes the range.</summary>
    public static double? ReadDouble(JsonElement value, string field, Func<double, bool> isValid, string expectation, JobErrorCollector errors)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            errors.Add(field, $"expected {expectation}, got {Describe(value)}");
            return null;
        }
        // TryGetDouble fails for values beyond double's range, so a successful read is finite.
        if (value.TryGetDouble(out var number) && double.IsFinite(number) && isValid(number)) return number;
        errors.Add(field, $"expected {expectation}, got {Shown(value)}");
        return null;
    }

    public static bool? ReadBool(JsonElement value, string field, JobErrorCollector errors)
    {
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        errors.Add(field, $"expected true or false, got {Describe(value)}");
        return null;
    }

    /// <summary>The value as written plus its JSON type, e.g. <c>"5" (a string)</c>, for type-mismatch messages.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.String => $"{Shown(value)} (a string)",
        JsonValueKind.Number => $"{Shown(value)} (a number)",
        JsonValueKind.True or JsonValueKind.False => $"{Shown(value)} (a boolean)",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => Shown(value),
    };

    public static string DescribeIntegerRange(int min, int max) => (min, max) switch
    {
        (1, int.MaxValue) => "a positive integer",
        (0, int.MaxValue) => "a non-negative integer",
        _ => string.Create(CultureInfo.InvariantCulture, $"an integer in {min}..{max}"),
    };

    // The raw JSON text, shortened so that a pasted blob does not flood the message.
    private static string Shown(JsonElement value)
    {
        var raw = value.GetRawText();
        return raw.Length <= MaxShownValueLength ? raw : string.Concat(raw.AsSpan(0, MaxShownValueLength), "...");
    }
}
