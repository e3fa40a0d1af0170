using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Rnn.Kernels.Tensors;

/// <summary>
/// SHA-256 of the float32 parameter bytes (little-endian), tensors taken in ordinal order of their names: equal
/// hashes mean bit-identical models, whatever the layout order.
/// </summary>
public static class ParameterHash
{
    public static string Sha256(ParameterLayout layout, ReadOnlySpan<float> parameters)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var view in layout.Views.OrderBy(v => v.Name, StringComparer.Ordinal))
            hash.AppendData(MemoryMarshal.AsBytes(view.Of(parameters)));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
