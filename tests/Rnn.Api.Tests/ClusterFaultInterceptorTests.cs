using Grpc.Core;
using Rnn.Silo.Api;

namespace Rnn.Api.Tests;

/// <summary>A call that met a lost silo answers UNAVAILABLE (clients retry), anything else passes through unchanged.</summary>
public sealed class ClusterFaultInterceptorTests
{
    public static TheoryData<Exception> LostSilo() =>
    [
        new SiloUnavailableException("the target silo became unavailable"),
        new TimeoutException("response did not arrive on time"),
    ];

    [Theory]
    [MemberData(nameof(LostSilo))]
    public async Task A_lost_silo_answers_unavailable(Exception lost)
    {
        var interceptor = new ClusterFaultInterceptor();
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            interceptor.UnaryServerHandler<string, string>("request", null!, (_, _) => throw lost));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("ask again", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_errors_pass_through()
    {
        var interceptor = new ClusterFaultInterceptor();
        var refused = new RpcException(new Status(StatusCode.InvalidArgument, "name: taken"));
        Assert.Same(refused, await Assert.ThrowsAsync<RpcException>(() =>
            interceptor.UnaryServerHandler<string, string>("request", null!, (_, _) => throw refused)));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            interceptor.UnaryServerHandler<string, string>("request", null!, (_, _) => throw new InvalidOperationException("a bug")));
    }
}
