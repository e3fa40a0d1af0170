using System.Security.Cryptography;
using System.Text;

namespace Rnn.Silo.Authentication;

/// <summary>
/// Bearer token → tenant. Tokens are kept only as SHA-256 digests, so the table in memory (or a heap dump) does not
/// hold usable tokens, and a lookup compares digests rather than secrets.
/// </summary>
public sealed class TokenTable
{
    private readonly Dictionary<string, string> _tenantByDigest;

    public TokenTable(IEnumerable<KeyValuePair<string, string>> tokenToTenant)
    {
        ArgumentNullException.ThrowIfNull(tokenToTenant);
        _tenantByDigest = tokenToTenant.ToDictionary(p => Digest(p.Key), p => p.Value, StringComparer.Ordinal);
    }

    public int Count => _tenantByDigest.Count;

    public IReadOnlyCollection<string> Tenants => _tenantByDigest.Values.Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The tenant of <paramref name="token"/>, or null when the token is unknown.</summary>
    public string? TenantOf(string token) => _tenantByDigest.GetValueOrDefault(Digest(token));

    private static string Digest(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
