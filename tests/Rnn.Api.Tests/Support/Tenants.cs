namespace Rnn.Api.Tests.Support;

/// <summary>The tokens file of the test server: three tenants.</summary>
internal static class Tenants
{
    public const string AlphaToken = "alpha-token-0123456789";
    public const string BetaToken = "beta-token-0123456789";
    public const string GammaToken = "gamma-token-0123456789";

    public static string File => $"""
        # token tenant
        {AlphaToken} alpha
        {BetaToken} beta   # a comment after a pair
        {GammaToken} gamma
        """;
}
