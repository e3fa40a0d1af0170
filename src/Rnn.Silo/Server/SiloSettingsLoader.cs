using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Rnn.Silo.Api;
using Rnn.Silo.Authentication;

namespace Rnn.Silo.Server;

/// <summary>
/// Reads the silo's settings from appsettings.json (next to the binaries), RNN_-prefixed environment variables, extra
/// values (tests) and the command line, in rising precedence, and checks every one before anything starts: a bad
/// setting is a <see cref="SettingsException"/> naming it.
/// </summary>
public static class SiloSettingsLoader
{
    public static SiloConfiguration Load(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var commandLine = CommandLineSettings.Parse(args);
        IConfiguration config;
        try
        {
            config = new ConfigurationBuilder()
                .SetBasePath(AppContext.BaseDirectory)
                .AddJsonFile("appsettings.json", optional: true)
                .AddEnvironmentVariables("RNN_")
                .AddInMemoryCollection(extra ?? new Dictionary<string, string?>())
                .AddInMemoryCollection(commandLine)
                .Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException)
        {
            throw new SettingsException($"appsettings.json in {AppContext.BaseDirectory} cannot be read: {e.Message}");
        }

        var siloPort = Port(config, SiloSettingNames.SiloPort, 11111);
        var gatewayPort = Port(config, SiloSettingNames.GatewayPort, 30000);
        var grpcPort = Port(config, SiloSettingNames.GrpcPort, 5080);
        if (new[] { siloPort, gatewayPort, grpcPort }.Distinct().Count() != 3)
            throw new SettingsException($"{SiloSettingNames.SiloPort}, {SiloSettingNames.GatewayPort} and {SiloSettingNames.GrpcPort} must be three different ports, got {siloPort}, {gatewayPort}, {grpcPort}");
        var grpcAddress = Address(config, SiloSettingNames.GrpcAddress);

        var limits = new ApiLimits();
        config.GetSection(ApiLimits.Section).Bind(limits, o => o.ErrorOnUnknownConfiguration = true);
        if (limits.Validate() is { } badLimit) throw new SettingsException(badLimit);

        var authentication = Authentication(config);
        var certificate = ServerCertificateLoader.Load(config);
        // Last of the checks: it may wait for Redis, and a typo elsewhere should not cost that wait.
        var cluster = ClusterSettingsLoader.Load(config);
        CheckPortsFree(grpcAddress, (SiloSettingNames.SiloPort, siloPort), (SiloSettingNames.GatewayPort, gatewayPort), (SiloSettingNames.GrpcPort, grpcPort));
        var runsRoot = RunsRoot(config);
        return new SiloConfiguration
        {
            SiloPort = siloPort, GatewayPort = gatewayPort, GrpcPort = grpcPort, GrpcAddress = grpcAddress,
            Cluster = cluster, RunsRoot = runsRoot, Authentication = authentication,
            DataRoots = DataRoots(config, runsRoot, new[] { SiloSettingNames.TokensFile, SiloSettingNames.TlsCertificate, SiloSettingNames.TlsKey }
                .Select(s => Text(config, s)).OfType<string>()), Limits = limits, Certificate = certificate, Configuration = config,
        };
    }

    public static string? Text(IConfiguration config, SiloSetting setting)
    {
        ArgumentNullException.ThrowIfNull(config);
        var value = config[setting.Key];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private static int Port(IConfiguration config, SiloSetting setting, int fallback)
    {
        var text = Text(config, setting);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new SettingsException($"{setting}: '{text}' is not a port; use a number from 1 to 65535");
        return port;
    }

    private static IPAddress Address(IConfiguration config, SiloSetting setting)
    {
        var text = Text(config, setting);
        if (text is null) return IPAddress.Any;
        return text.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(text, out var address) ? address
            : throw new SettingsException($"{setting}: '{text}' is not an IP address (e.g. 0.0.0.0, 127.0.0.1, ::)");
    }

    private static bool Flag(IConfiguration config, SiloSetting setting)
    {
        var text = Text(config, setting);
        if (text is null) return false;
        return bool.TryParse(text, out var value) ? value : throw new SettingsException($"{setting}: '{text}' is not true or false");
    }

    private static ApiAuthentication Authentication(IConfiguration config)
    {
        var insecure = Flag(config, SiloSettingNames.InsecureDev);
        var tokensFile = Text(config, SiloSettingNames.TokensFile);
        if (insecure && tokensFile is not null)
            throw new SettingsException($"{SiloSettingNames.InsecureDev} and {SiloSettingNames.TokensFile} are both set; choose one");
        if (insecure) return new ApiAuthentication(null);
        if (tokensFile is null)
            throw new SettingsException($"{SiloSettingNames.TokensFile}: no tokens file; the API authenticates every call with a bearer token " +
                "('token tenant' per line). Give --tokens FILE, or --insecure-dev for a development silo without authentication");
        var path = Path.GetFullPath(tokensFile);
        if (!File.Exists(path)) throw new SettingsException($"{SiloSettingNames.TokensFile}: file '{path}' not found");
        try
        {
            return new ApiAuthentication(TokenFileParser.Load(path));
        }
        catch (TokenFileException e)
        {
            throw new SettingsException($"{SiloSettingNames.TokensFile}: {e.Message}");
        }
    }

    /// <summary>
    /// The data roots as written, split on the OS path separator; relative ones against the working folder. The runs
    /// folder, the tokens file and the TLS files are never readable as data, so a root may not be or lie inside the runs folder.
    /// </summary>
    private static DataRoots DataRoots(IConfiguration config, string runsRoot, IEnumerable<string> secretFiles)
    {
        var text = Text(config, SiloSettingNames.DataRoots) ?? "data";
        var roots = text.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (roots.Length == 0)
            throw new SettingsException($"{SiloSettingNames.DataRoots}: no folder given; name the folders jobs' data must lie under");
        string[] reserved = [runsRoot, .. secretFiles.Select(Path.GetFullPath)];
        var result = new DataRoots(roots, Environment.CurrentDirectory, reserved);
        foreach (var root in roots)
        {
            var full = Path.GetFullPath(root.Replace(Api.DataRoots.TenantPlaceholder, "_", StringComparison.Ordinal));
            if (Api.RealPath.IsWithin(Api.RealPath.Resolve(full), Api.RealPath.Resolve(runsRoot)))
                throw new SettingsException($"{SiloSettingNames.DataRoots}: '{root}' lies inside the runs folder; keep training data apart from run folders");
        }
        return result;
    }

    private static string RunsRoot(IConfiguration config)
    {
        var path = Path.GetFullPath(Text(config, SiloSettingNames.RunsRoot) ?? "runs");
        try
        {
            Directory.CreateDirectory(path);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"{SiloSettingNames.RunsRoot}: cannot create '{path}': {e.Message}");
        }
    }

    /// <summary>Binds each port for a moment, so "in use" is reported by setting rather than as a failure deep in start-up.</summary>
    private static void CheckPortsFree(IPAddress grpcAddress, params (SiloSetting Setting, int Port)[] ports)
    {
        foreach (var (setting, port) in ports)
        {
            var address = setting == SiloSettingNames.GrpcPort ? grpcAddress : IPAddress.Any;
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(address, port));
            }
            catch (SocketException e)
            {
                throw new SettingsException($"{setting}: port {port} is not available ({e.SocketErrorCode}); choose another port or stop what uses it");
            }
        }
    }
}
