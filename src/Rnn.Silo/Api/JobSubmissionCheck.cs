using System.Text;
using Grpc.Core;
using Rnn.Training.Jobs;

namespace Rnn.Silo.Api;

/// <summary>
/// The API's checks of a submitted job file before the job grain sees it: size, parse (the same parser as the grain,
/// so field errors read the same), and the configured limits. Every refusal is an RpcException whose message names the
/// field, or the limit's config key.
/// </summary>
public static class JobSubmissionCheck
{
    public static JobSpec Check(string jobJson, ApiLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (string.IsNullOrWhiteSpace(jobJson))
            throw Invalid("job_json: the job file is empty; send the job's JSON text");
        var bytes = Encoding.UTF8.GetByteCount(jobJson);
        if (bytes > limits.MaxJobFileBytes)
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"job_json: the job file is {bytes} bytes; the limit {ApiLimits.Section}:{nameof(ApiLimits.MaxJobFileBytes)} is {limits.MaxJobFileBytes}"));

        JobSpec spec;
        try
        {
            spec = JobSpecParser.Parse(jobJson, "job_json");
        }
        catch (JobValidationException e)
        {
            throw Invalid(string.Join("\n", e.Errors.Select(x => $"{x.Field}: {x.Message}")));
        }

        var problems = new List<string>();
        for (var i = 0; i < spec.Model.Layers.Count; i++)
            if (spec.Model.Layers[i].Units is { } units && units > limits.MaxLayerUnits)
                problems.Add(OverLimit($"model.layers[{i}].units", units, nameof(ApiLimits.MaxLayerUnits), limits.MaxLayerUnits));
        if (spec.Training.Steps is { } steps && steps > limits.MaxSteps)
            problems.Add(OverLimit("training.steps", steps, nameof(ApiLimits.MaxSteps), limits.MaxSteps));
        if (spec.Training.Epochs is { } epochs && epochs > limits.MaxEpochs)
            problems.Add(OverLimit("training.epochs", epochs, nameof(ApiLimits.MaxEpochs), limits.MaxEpochs));
        if (spec.Training.Shards > limits.MaxShards)
            problems.Add(OverLimit("training.shards", spec.Training.Shards, nameof(ApiLimits.MaxShards), limits.MaxShards));
        if (problems.Count > 0) throw Invalid(string.Join("\n", problems));
        return spec;
    }

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    private static string OverLimit(string field, long value, string limit, int max) =>
        $"{field}: {value} is over this silo's limit {ApiLimits.Section}:{limit} = {max}";
}
