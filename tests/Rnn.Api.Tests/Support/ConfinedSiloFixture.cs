using Grpc.Net.Client;
using Rnn.Contracts.Api.V1;
using Rnn.Silo.Server;

namespace Rnn.Api.Tests.Support;

/// <summary>
/// A real silo whose data roots are <c>F/data/{tenant}</c> and <c>F/shared</c>, with its tokens file and runs folder
/// inside <c>F/shared</c>; alpha and beta each have MNIST under their root, alpha also a link out of it
/// (<c>link.txt</c> → <c>F/secret.txt</c>), an MNIST folder one of whose files links there (<c>leaky</c>), a 10-value
/// series (<c>short.csv</c>, column <c>v</c>) and a 200-character text (<c>short-test.txt</c>).
/// </summary>
public sealed class ConfinedSiloFixture : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "rnn-confine-" + Guid.NewGuid().ToString("N")[..8]);
    private RunningSilo? _silo;
    private GrpcChannel? _channel;

    public TrainingService.TrainingServiceClient Client { get; private set; } = null!;

    public string Folder => _folder;

    public string Shared => Path.Combine(_folder, "shared");

    public string Secret => Path.Combine(_folder, "secret.txt");

    public async Task InitializeAsync()
    {
        foreach (var tenant in new[] { "alpha", "beta" })
            CopyMnist(Path.Combine(_folder, "data", tenant, "mnist"));
        await File.WriteAllTextAsync(Secret, string.Concat(Enumerable.Repeat("the operator's secret ", 400)));
        File.CreateSymbolicLink(Path.Combine(_folder, "data", "alpha", "link.txt"), Secret);
        var leaky = Path.Combine(_folder, "data", "alpha", "leaky");
        CopyMnist(leaky);
        File.Delete(Path.Combine(leaky, "train-labels-idx1-ubyte.gz"));
        File.CreateSymbolicLink(Path.Combine(leaky, "train-labels-idx1-ubyte.gz"), Secret);
        // Data that reads fine but is too short for the job (SubmissionDataErrorTests).
        var alpha = Path.Combine(_folder, "data", "alpha");
        await File.WriteAllTextAsync(Path.Combine(alpha, "short.csv"), "v\n" + string.Join("\n", Enumerable.Range(0, 10)) + "\n");
        await File.WriteAllTextAsync(Path.Combine(alpha, "short-test.txt"), string.Concat(Enumerable.Repeat("abcdefghij", 20)));
        var roots = string.Join(Path.PathSeparator, Path.Combine(_folder, "data", "{tenant}"), Shared);
        _silo = await TestSilo.StartAsync(Shared, Path.Combine(Shared, "runs"), "--data-roots", roots);
        _channel = GrpcChannel.ForAddress(_silo.GrpcUrl);
        Client = new TrainingService.TrainingServiceClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_silo is not null) await _silo.DisposeAsync();
        TestSilo.DeleteFolder(_folder);
    }

    private static void CopyMnist(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(ApiJobs.MnistPath))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
    }
}

[CollectionDefinition(Name)]
public sealed class ConfinedSiloCollection : ICollectionFixture<ConfinedSiloFixture>
{
    public const string Name = "confined silo";
}
