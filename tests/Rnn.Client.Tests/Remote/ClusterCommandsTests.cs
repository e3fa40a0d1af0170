using System.Text.Json.Nodes;
using Rnn.Client.Tests.Support;

namespace Rnn.Client.Tests.Remote;

/// <summary>The cluster commands against a real silo on loopback, through the real command line.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterCommandsTests(ClusterFixture cluster) : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private Task<CliRun> Rnn(params string[] args) =>
        CliRun.Of([.. args, "--endpoint", cluster.Endpoint, "--token", ClusterFixture.AlphaToken]);

    [Fact]
    public async Task SubmitFollowListDownloadAndEvalAgree()
    {
        var job = RemoteJobs.Mnist("cli-mnist", steps: 8);
        var jobFile = TestJobs.Write(_folder, job);

        var run = await Rnn("submit", jobFile, "--follow");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.OutLines;
        var id = lines[0].Split(' ')[2];
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Contains(lines, l => l.StartsWith("step 1/8  epoch 1  loss ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("step 8/8  epoch 1  loss ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("done: 8/8 steps", StringComparison.Ordinal) && l.Contains("test accuracy ", StringComparison.Ordinal));
        var hash = lines.Single(l => l.StartsWith("parameters_sha256 ", StringComparison.Ordinal))["parameters_sha256 ".Length..];
        Assert.Equal(RemoteJobs.TrainerHash(job), hash);

        var jobs = await Rnn("jobs");
        Assert.True(jobs.ExitCode == 0, jobs.ToString());
        Assert.Contains(jobs.OutLines, l => l.StartsWith(id, StringComparison.Ordinal) && l.Contains(" completed ", StringComparison.Ordinal) && l.Contains(" 8/8 ", StringComparison.Ordinal));

        var download = _folder.File("downloaded");
        var got = await Rnn("download", id, "-o", download);
        Assert.True(got.ExitCode == 0, got.ToString());
        foreach (var file in new[] { "model.safetensors", "manifest.json", "metrics.csv", "summary.json" })
            Assert.True(File.Exists(Path.Combine(download, file)), file);

        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(download, "summary.json")))!;
        var eval = await CliRun.Of("eval", download, jobFile, "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        var result = JsonNode.Parse(eval.OutLines.Single())!;
        Assert.Equal(hash, (string?)result["parameters_sha256"]);
        Assert.Equal(FindSummaryHash(summary), (string?)result["parameters_sha256"]);
        Assert.Equal(FindTestAccuracy(summary), (double)result["metrics"]!["accuracy"]!);
    }

    [Fact]
    public async Task SubmitFollowJsonEndsWithTheSummary()
    {
        var run = await Rnn("submit", TestJobs.Write(_folder, RemoteJobs.Mnist("cli-json", steps: 4)), "--follow", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var events = run.OutLines.Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal("submitted", (string?)events[0]["event"]);
        Assert.Equal("start", (string?)events[1]["event"]);
        Assert.Equal([1L, 2, 3, 4], events.Where(e => (string?)e["event"] == "step").Select(e => (long)e["step"]!));
        Assert.Equal("completed", (string?)events[^1]["status"]);
        Assert.Matches("^[0-9a-f]{64}$", (string?)events[^1]["parameters_sha256"]);
    }

    [Fact]
    public async Task CancelStopsARunningJob()
    {
        var submit = await Rnn("submit", TestJobs.Write(_folder, RemoteJobs.Mnist("cli-cancel", steps: 100_000)));
        Assert.True(submit.ExitCode == 0, submit.ToString());
        var id = submit.OutLines.Single();

        var cancel = await Rnn("cancel", id);
        Assert.True(cancel.ExitCode == 0, cancel.ToString());

        var watch = await Rnn("watch", id, "--json");
        Assert.Equal(ExitCodes.Failed, watch.ExitCode);
        Assert.Equal("interrupted", (string?)JsonNode.Parse(watch.OutLines[^1])!["status"]);
        var jobs = await Rnn("jobs", "--json");
        Assert.Contains(jobs.OutLines.Select(l => JsonNode.Parse(l)!), j => (string?)j["job_id"] == id && (string?)j["state"] == "cancelled");
    }

    [Fact]
    public async Task AWrongTokenGetsTheAuthExitCode()
    {
        var run = await CliRun.Of("jobs", "--endpoint", cluster.Endpoint, "--token", "not-a-token-0123456789");

        Assert.Equal(ExitCodes.NotAuthorized, run.ExitCode);
        Assert.Contains("not authenticated", run.Error, StringComparison.Ordinal);
        Assert.Contains("--token", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownOrOtherTenantsJobIsNotFound()
    {
        var unknown = await Rnn("watch", "0123456789abcdef0123456789abcdef");
        Assert.Equal(ExitCodes.NotFound, unknown.ExitCode);
        Assert.Contains("no job '0123456789abcdef0123456789abcdef'", unknown.Error, StringComparison.Ordinal);

        var submit = await Rnn("submit", TestJobs.Write(_folder, RemoteJobs.Mnist("cli-owned", steps: 2)));
        var id = submit.OutLines.Single();
        var other = await CliRun.Of("cancel", id, "--endpoint", cluster.Endpoint, "--token", ClusterFixture.BetaToken);
        Assert.Equal(ExitCodes.NotFound, other.ExitCode);
        var download = await CliRun.Of("download", id, "-o", _folder.File("x"), "--endpoint", cluster.Endpoint, "--token", ClusterFixture.BetaToken);
        Assert.Equal(ExitCodes.NotFound, download.ExitCode);
    }

    [Fact]
    public async Task AnUnreachableEndpointGetsTheConnectExitCode()
    {
        var port = Local.FreePorts.Take(1)[0];

        var run = await CliRun.Of("jobs", "--endpoint", $"http://127.0.0.1:{port}", "--token", ClusterFixture.AlphaToken, "--json");

        Assert.Equal(ExitCodes.CannotConnect, run.ExitCode);
        Assert.Contains($"cannot connect to http://127.0.0.1:{port}", run.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.CannotConnect, (int?)JsonNode.Parse(run.OutLines.Single())!["exit_code"]);
    }

    [Fact]
    public async Task AnInvalidJobIsRefusedBeforeSubmitting()
    {
        var job = RemoteJobs.Mnist("cli-invalid", steps: 2);
        job["training"]!["batch_size"] = -1;

        var run = await Rnn("submit", TestJobs.Write(_folder, job));

        Assert.Equal(ExitCodes.InvalidJob, run.ExitCode);
        Assert.Contains("training.batch_size", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AJobFileOverTheSilosMessageLimitExitsEightNamingTheLimitAndTheSize()
    {
        // Valid JSON padded with white space past the silo's gRPC receive limit (MaxJobFileBytes 65536 + 64 KiB):
        // gRPC refuses it before the silo's own size check.
        var text = RemoteJobs.Mnist("cli-huge", steps: 2).ToJsonString().Insert(1, new string(' ', 200_000));
        var jobFile = _folder.WriteText("huge.json", text);

        var run = await Rnn("submit", jobFile);

        Assert.Equal(ExitCodes.LimitExceeded, run.ExitCode);
        Assert.Contains($"the job file is {System.Text.Encoding.UTF8.GetByteCount(text)} bytes", run.Error, StringComparison.Ordinal);
        Assert.Contains("Api:Limits:MaxJobFileBytes", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateIsDeterministicForASeedAndNeedsNoJobFileForADownloadedModel()
    {
        var job = RemoteJobs.Text("cli-text", steps: 4);
        var jobFile = TestJobs.Write(_folder, job);
        var submit = await Rnn("submit", jobFile, "--follow");
        Assert.True(submit.ExitCode == 0, submit.ToString());
        var id = submit.OutLines[0].Split(' ')[2];
        var model = _folder.File("text-model");
        Assert.Equal(0, (await Rnn("download", id, "-o", model, "--file", "model.safetensors")).ExitCode);

        var first = await CliRun.Of("generate", model, "--job", jobFile, "--prime", "Call me ", "--length", "40", "--seed", "11");
        var second = await CliRun.Of("generate", model, "--job", jobFile, "--prime", "Call me ", "--length", "40", "--seed", "11");
        var greedy = await CliRun.Of("generate", model, "--job", jobFile, "--prime", "Call me ", "--length", "40", "--temperature", "0", "--json");
        // No --job and no job.json beside the downloaded file: the job saved in the model file's metadata.
        var withoutJob = await CliRun.Of("generate", model, "--prime", "Call me ", "--length", "40", "--seed", "11");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(first.Out, second.Out);
        Assert.True(withoutJob.ExitCode == 0, withoutJob.ToString());
        Assert.Equal(first.Out, withoutJob.Out);
        var text = first.Out.TrimEnd('\n', '\r');
        Assert.StartsWith("Call me ", text, StringComparison.Ordinal);
        Assert.Equal(48, text.EnumerateRunes().Count());
        Assert.Equal(40, ((string)JsonNode.Parse(greedy.OutLines.Single())!["text"]!).EnumerateRunes().Count());
    }

    private static string? FindSummaryHash(JsonNode summary) => (string?)summary["parameters_sha256"];

    private static double FindTestAccuracy(JsonNode summary) =>
        (double)(summary["test"]?["accuracy"] ?? summary["test_metrics"]?["accuracy"] ?? summary["metrics"]?["accuracy"])!;
}
