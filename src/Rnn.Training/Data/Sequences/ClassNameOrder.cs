using System.Globalization;

namespace Rnn.Training.Data.Sequences;

/// <summary>
/// The one order of class names: numerically when every name is an integer ("2" before "10"), otherwise by ordinal
/// string comparison. Fixed, so the same labels always give the same class indices, whatever the row order.
/// </summary>
public static class ClassNameOrder
{
    public static string[] Sort(IEnumerable<string> names)
    {
        var distinct = names.Distinct(StringComparer.Ordinal).ToArray();
        var numeric = distinct.All(n => long.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
        return numeric
            ? distinct.OrderBy(n => long.Parse(n, CultureInfo.InvariantCulture)).ToArray()
            : distinct.Order(StringComparer.Ordinal).ToArray();
    }
}
