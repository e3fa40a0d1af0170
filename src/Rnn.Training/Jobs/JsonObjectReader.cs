using System.Text.Json;

namespace Rnn.Training.Jobs;

/// <summary>
/// Reads the fields of one JSON object by name, records the path of each, and at the end reports every key that
/// was not read: a misspelt key must never be silently ignored (it would leave a default in force unnoticed).
/// </summary>
internal sealed class JsonObjectReader
{
    private readonly List<KeyValuePair<string, JsonElement>> _properties = [];
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private JsonObjectReader(JsonElement element, string path, JobErrorCollector errors)
    {
        Path = path;
        Errors = errors;
        foreach (var property in element.EnumerateObject())
        {
            if (_properties.Exists(p => p.Key == property.Name))
            {
                errors.Add(FieldPath(property.Name), "appears more than once in the same object; keep one");
                continue;
            }
            _properties.Add(new KeyValuePair<string, JsonElement>(property.Name, property.Value));
        }
    }

    /// <summary>The object's own path; empty for the document root.</summary>
    public string Path { get; }

    public JobErrorCollector Errors { get; }

    /// <summary>A reader over <paramref name="element"/>, or null (with an error) when it is not an object.</summary>
    public static JsonObjectReader? Open(JsonElement element, string path, JobErrorCollector errors)
    {
        if (element.ValueKind == JsonValueKind.Object) return new JsonObjectReader(element, path, errors);
        errors.Add(path.Length == 0 ? "$" : path, $"expected an object {{ ... }}, got {JsonValueReader.Describe(element)}");
        return null;
    }

    public string FieldPath(string key) => JobErrorCollector.Child(Path, key);

    public bool Has(string key) => _properties.Exists(p => p.Key == key);

    /// <summary>The value of <paramref name="key"/>, marked as read; false when absent (and, if required, an error).</summary>
    public bool TryTake(string key, string expectationIfMissing, bool required, out JsonElement value)
    {
        var index = _properties.FindIndex(p => p.Key == key);
        if (index < 0)
        {
            if (required) Errors.Add(FieldPath(key), $"required field is missing; add \"{key}\" ({expectationIfMissing})");
            value = default;
            return false;
        }
        _read.Add(key);
        value = _properties[index].Value;
        return true;
    }

    public string? String(string key, bool required, string expectation = "a string") =>
        TryTake(key, expectation, required, out var value) ? JsonValueReader.ReadString(value, FieldPath(key), Errors) : null;

    public string? Choice(string key, IReadOnlyList<string> allowed, string what, bool required) =>
        TryTake(key, $"one of {string.Join(", ", allowed)}", required, out var value)
            ? JsonValueReader.ReadChoice(value, FieldPath(key), allowed, what, Errors)
            : null;

    public int? Int(string key, int min, int max, bool required) =>
        TryTake(key, JsonValueReader.DescribeIntegerRange(min, max), required, out var value)
            ? JsonValueReader.ReadInt(value, FieldPath(key), min, max, Errors)
            : null;

    public ulong? UInt64(string key, bool required) =>
        TryTake(key, "a non-negative integer", required, out var value)
            ? JsonValueReader.ReadUInt64(value, FieldPath(key), Errors)
            : null;

    public double? Double(string key, Func<double, bool> isValid, string expectation, bool required) =>
        TryTake(key, expectation, required, out var value)
            ? JsonValueReader.ReadDouble(value, FieldPath(key), isValid, expectation, Errors)
            : null;

    public bool? Bool(string key, bool required) =>
        TryTake(key, "true or false", required, out var value) ? JsonValueReader.ReadBool(value, FieldPath(key), Errors) : null;

    public JsonObjectReader? Object(string key, bool required) =>
        TryTake(key, "an object { ... }", required, out var value) ? Open(value, FieldPath(key), Errors) : null;

    /// <summary>The array under <paramref name="key"/>, or null (with an error when it is not an array).</summary>
    public JsonElement? Array(string key, bool required, string expectation)
    {
        if (!TryTake(key, expectation, required, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Array) return value;
        Errors.Add(FieldPath(key), $"expected {expectation}, got {JsonValueReader.Describe(value)}");
        return null;
    }

    /// <summary>
    /// Reports every key not read. <paramref name="validKeys"/> are this object's keys (for the suggestion);
    /// <paramref name="keysOfOtherVariants"/> are keys that exist for another type or kind, which get a clearer
    /// "does not apply to {context}" message instead of "unknown key".
    /// </summary>
    public void ReportUnreadKeys(IReadOnlyList<string> validKeys, string context, IReadOnlyList<string> keysOfOtherVariants)
    {
        foreach (var (key, _) in _properties)
        {
            if (_read.Contains(key)) continue;
            if (keysOfOtherVariants.Contains(key, StringComparer.Ordinal) && !validKeys.Contains(key, StringComparer.Ordinal))
            {
                Errors.Add(FieldPath(key), $"'{key}' does not apply to {context}; remove it");
            }
            else
            {
                Errors.Add(FieldPath(key),
                    $"unknown key '{key}' in {context}; remove it or use one of {string.Join(", ", validKeys)}{NameSuggester.Hint(key, validKeys)}");
            }
        }
    }
}
