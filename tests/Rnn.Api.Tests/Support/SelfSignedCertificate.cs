using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Rnn.Api.Tests.Support;

/// <summary>A throw-away TLS server certificate for localhost and 127.0.0.1 (RSA 2048, valid for a day).</summary>
internal static class SelfSignedCertificate
{
    public static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server auth
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    /// <summary>Writes the certificate and key as a password-protected .pfx; the silo's arguments to use it.</summary>
    public static string[] WritePfx(X509Certificate2 certificate, string folder, string password)
    {
        var path = Path.Combine(folder, "server.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return ["--tls-cert", path, "--tls-password", password];
    }

    /// <summary>Writes the certificate and its private key as PEM files; the silo's arguments to use them.</summary>
    public static string[] WritePem(X509Certificate2 certificate, string folder)
    {
        var cert = Path.Combine(folder, "server.pem");
        var key = Path.Combine(folder, "server.key");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        using var rsa = certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("the certificate has no RSA key");
        File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        return ["--tls-cert", cert, "--tls-key", key];
    }
}
