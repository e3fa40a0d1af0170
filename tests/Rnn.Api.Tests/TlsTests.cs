using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Rnn.Api.Tests.Support;
using Rnn.Contracts.Api.V1;

namespace Rnn.Api.Tests;

/// <summary>The gRPC API over TLS: a silo started with a certificate (.pfx with a password, or PEM certificate and key).</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "rnn-api-tls-" + Guid.NewGuid().ToString("N")[..8]);

    public TlsTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => TestSilo.DeleteFolder(_folder);

    [Theory]
    [InlineData("pfx")]
    [InlineData("pem")]
    public async Task A_job_is_submitted_and_read_back_over_https_and_plain_http_to_the_tls_port_fails(string format)
    {
        using var certificate = SelfSignedCertificate.Create();
        var tlsArgs = format == "pfx"
            ? SelfSignedCertificate.WritePfx(certificate, _folder, "pfx-password-42")
            : SelfSignedCertificate.WritePem(certificate, _folder);
        await using var silo = await TestSilo.StartAsync(_folder, Path.Combine(_folder, "runs"), tlsArgs);
        Assert.StartsWith("https://", silo.GrpcUrl, StringComparison.Ordinal);

        var pinned = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) =>
                presented is not null && presented.GetCertHashString(HashAlgorithmName.SHA256) == pinned,
        };
        using var channel = GrpcChannel.ForAddress(silo.GrpcUrl, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = false });
        var client = new TrainingService.TrainingServiceClient(channel);

        var jobId = await client.SubmitAsync(Tenants.AlphaToken, ApiJobs.Mnist("tls-" + format, steps: 2));
        var job = await client.GetJobAsync(new GetJobRequest { JobId = jobId }, ApiServerFixture.Auth(Tenants.AlphaToken));
        Assert.Equal(jobId, job.JobId);
        Assert.Equal("tls-" + format, job.Name);
        Assert.Equal(JobState.Completed, (await client.WaitUntilFinishedAsync(Tenants.AlphaToken, jobId)).State);
        // Authentication still applies over TLS.
        await AuthenticationAndTenancyTests.AssertStatus(StatusCode.Unauthenticated,
            client.ListJobsAsync(new ListJobsRequest(), new Metadata()).ResponseAsync);

        // h2c (plain HTTP/2 with prior knowledge) to the TLS port: no TLS handshake, no call.
        var plainUrl = "http://" + silo.GrpcUrl["https://".Length..];
        using var plain = GrpcChannel.ForAddress(plainUrl);
        var e = await Assert.ThrowsAsync<RpcException>(() => new TrainingService.TrainingServiceClient(plain)
            .ListJobsAsync(new ListJobsRequest(), ApiServerFixture.Auth(Tenants.AlphaToken), DateTime.UtcNow.AddSeconds(20)).ResponseAsync);
        Assert.NotEqual(StatusCode.OK, e.StatusCode);

        // A client that does not pin the self-signed certificate refuses it.
        using var untrusting = GrpcChannel.ForAddress(silo.GrpcUrl);
        await Assert.ThrowsAsync<RpcException>(() => new TrainingService.TrainingServiceClient(untrusting)
            .ListJobsAsync(new ListJobsRequest(), ApiServerFixture.Auth(Tenants.AlphaToken), DateTime.UtcNow.AddSeconds(20)).ResponseAsync);
    }
}
