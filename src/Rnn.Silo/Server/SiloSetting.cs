namespace Rnn.Silo.Server;

/// <summary>
/// One setting of the standalone silo: its configuration key (appsettings.json), its environment variable (RNN_ prefix,
/// ':' as "__") and its command-line option. Messages about a bad setting name all three, so the user finds it
/// whichever way they set it.
/// </summary>
public sealed record SiloSetting(string Key, string Option, bool IsFlag, string Help)
{
    public string EnvironmentVariable => "RNN_" + Key.Replace(":", "__", StringComparison.Ordinal);

    public override string ToString() => $"{Key} ({Option}, {EnvironmentVariable})";
}
