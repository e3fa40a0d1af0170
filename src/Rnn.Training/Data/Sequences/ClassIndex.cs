namespace Rnn.Training.Data.Sequences;

/// <summary>
/// Class names (in <see cref="ClassNameOrder"/>) to their indices, as a table kind's builder labels its rows. A label
/// the names lack (a shard's row whose class the training split the job was resolved with never had) fails through
/// the caller's <c>fail</c>, which says where the row is.
/// </summary>
public sealed class ClassIndex(IReadOnlyList<string> names)
{
    private readonly Dictionary<string, int> _index =
        names.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);

    /// <summary>
    /// The index of <paramref name="label"/>, or the exception <paramref name="fail"/> makes of the problem ("class 'x'
    /// never occurs in the training split the job was resolved with").
    /// </summary>
    public int Of(string label, Func<string, Exception> fail) =>
        _index.TryGetValue(label, out var index)
            ? index
            : throw fail($"class '{label}' never occurs in the training split the job was resolved with");
}
