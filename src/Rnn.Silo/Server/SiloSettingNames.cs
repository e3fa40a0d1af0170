namespace Rnn.Silo.Server;

/// <summary>Every setting of the standalone silo that has a command-line option (limits are config and env only).</summary>
public static class SiloSettingNames
{
    public static readonly SiloSetting SiloPort = new("Silo:SiloPort", "--silo-port", false, "port silos talk to each other on (default 11111)");
    public static readonly SiloSetting GatewayPort = new("Silo:GatewayPort", "--gateway-port", false, "port Orleans clients connect to (default 30000)");
    public static readonly SiloSetting GrpcPort = new("Silo:GrpcPort", "--grpc-port", false, "HTTP/2 port of the gRPC API (default 5080)");
    public static readonly SiloSetting GrpcAddress = new("Silo:GrpcAddress", "--grpc-address", false, "address the gRPC API listens on (default 0.0.0.0)");
    public static readonly SiloSetting Clustering = new("Silo:Clustering", "--clustering", false, "membership: localhost (one silo; default) or redis (several silos; needs --redis)");
    public static readonly SiloSetting Storage = new("Silo:Storage", "--storage", false, "grain storage: memory or redis (default: redis with --clustering redis, else memory)");
    public static readonly SiloSetting Redis = new("Silo:Redis", "--redis", false, "Redis server for clustering/storage: HOST:PORT or a StackExchange.Redis configuration string");
    public static readonly SiloSetting RedisConnectSeconds = new("Silo:RedisConnectSeconds", "--redis-connect-seconds", false, "how long start-up waits for Redis before giving up (default 15)");
    public static readonly SiloSetting ClusterId = new("Silo:ClusterId", "--cluster-id", false, "cluster name: silos with the same Redis and cluster id form one cluster (default rnn)");
    public static readonly SiloSetting AdvertiseAddress = new("Silo:AdvertiseAddress", "--advertise-address", false, "IP other silos and clients reach this silo at (default: first non-loopback address; 127.0.0.1 for localhost clustering)");
    public static readonly SiloSetting RunsRoot = new("Silo:RunsRoot", "--runs", false, "folder of job run folders and checkpoints (default ./runs)");
    public static readonly SiloSetting DataRoots = new("Silo:DataRoots", "--data-roots", false, "folders submitted jobs' data must lie under, separated by the OS path separator (':' on Linux); {tenant} is the caller's tenant (default ./data)");
    public static readonly SiloSetting TokensFile = new("Silo:TokensFile", "--tokens", false, "bearer tokens file: 'token tenant' per line, # comments");
    public static readonly SiloSetting TlsCertificate = new("Silo:TlsCertificate", "--tls-cert", false, "TLS certificate: PEM (with --tls-key) or .pfx");
    public static readonly SiloSetting TlsKey = new("Silo:TlsKey", "--tls-key", false, "PEM private key of --tls-cert");
    public static readonly SiloSetting TlsPassword = new("Silo:TlsPassword", "--tls-password", false, "password of a .pfx certificate");
    public static readonly SiloSetting InsecureDev = new("Silo:InsecureDev", "--insecure-dev", true, "no authentication: every call is tenant 'dev' (development only)");

    public static IReadOnlyList<SiloSetting> All { get; } =
    [
        SiloPort, GatewayPort, GrpcPort, GrpcAddress, Clustering, Storage, Redis, RedisConnectSeconds, ClusterId, AdvertiseAddress, RunsRoot, DataRoots, TokensFile, TlsCertificate, TlsKey, TlsPassword, InsecureDev,
    ];
}
