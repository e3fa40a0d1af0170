using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace Rnn.Silo.Server;

/// <summary>The gRPC endpoint's TLS certificate: a .pfx/.p12 (with an optional password) or a PEM certificate and key.</summary>
public static class ServerCertificateLoader
{
    public static X509Certificate2? Load(IConfiguration config)
    {
        var certificate = SiloSettingsLoader.Text(config, SiloSettingNames.TlsCertificate);
        var key = SiloSettingsLoader.Text(config, SiloSettingNames.TlsKey);
        var password = SiloSettingsLoader.Text(config, SiloSettingNames.TlsPassword);
        if (certificate is null)
        {
            if (key is not null || password is not null)
                throw new SettingsException($"{SiloSettingNames.TlsCertificate}: a TLS key or password is set but no certificate");
            return null;
        }
        var path = Path.GetFullPath(certificate);
        if (!File.Exists(path)) throw new SettingsException($"{SiloSettingNames.TlsCertificate}: file '{path}' not found");
        var isPkcs12 = Path.GetExtension(path).ToLowerInvariant() is ".pfx" or ".p12";
        if (!isPkcs12 && key is null)
            throw new SettingsException($"{SiloSettingNames.TlsKey}: a PEM certificate needs its private key (--tls-key FILE), or give a .pfx");
        try
        {
            var loaded = isPkcs12
                ? X509CertificateLoader.LoadPkcs12FromFile(path, password)
                : X509Certificate2.CreateFromPemFile(path, Path.GetFullPath(key!));
            if (!loaded.HasPrivateKey) throw new SettingsException($"{SiloSettingNames.TlsCertificate}: '{path}' holds no private key");
            return loaded;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new SettingsException($"{SiloSettingNames.TlsCertificate}: cannot read '{path}'{(isPkcs12 ? "" : $" with key '{key}'")}: {e.Message}");
        }
    }
}
