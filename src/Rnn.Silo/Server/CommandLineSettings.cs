namespace Rnn.Silo.Server;

/// <summary>
/// The silo's command line → configuration keys. "--option value", "--option=value", and bare flags. Anything else is
/// refused by name rather than ignored, so a typo never starts a silo with a default the user did not mean.
/// </summary>
public static class CommandLineSettings
{
    public static bool IsHelp(IReadOnlyList<string> args) => args.Any(a => a is "--help" or "-h" or "-?");

    public static Dictionary<string, string?> Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[..equals] : arg;
            var setting = SiloSettingNames.All.FirstOrDefault(s => s.Option == name)
                ?? throw new SettingsException($"unknown option '{arg}'; the options are {string.Join(", ", SiloSettingNames.All.Select(s => s.Option))} (--help explains them)");
            string value;
            if (equals > 0) value = arg[(equals + 1)..];
            else if (setting.IsFlag) value = "true";
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) value = args[++i];
            else throw new SettingsException($"{setting}: the option needs a value");
            values[setting.Key] = value;
        }
        return values;
    }

    public static string Usage() =>
        "usage: dotnet run --project src/Rnn.Silo -- [options]\n" +
        string.Join("\n", SiloSettingNames.All.Select(s => $"  {s.Option + (s.IsFlag ? "" : " VALUE"),-24} {s.Help}\n  {"",-24} config {s.Key}, env {s.EnvironmentVariable}")) +
        "\nLimits: config Api:Limits:* (env RNN_Api__Limits__*); see docs/silo.md.";
}
