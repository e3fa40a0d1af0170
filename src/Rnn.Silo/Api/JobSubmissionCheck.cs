using System.Text;
using Rnn.Contracts.Messages;
using Rnn.Training.Data;
using Rnn.Training.Jobs;
using Rnn.Training.Resolution;

namespace Rnn.Silo.Api;

/// <summary>
/// The API's edge for a submitted job file: size, parse (the one job parser, so field errors read as they do for
/// <c>rnn train</c>), the configured limits, then resolution against this silo's data (<see cref="JobResolver"/>),
/// so a missing or malformed data file is refused here rather than met in training. Every refusal is an
/// RpcException whose message names the field, or the limit's config key, with the same problems as google.rpc
/// details (<see cref="ApiErrors"/>).
/// </summary>
public static class JobSubmissionCheck
{
    public static ResolvedJob Check(string jobJson, ApiLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (string.IsNullOrWhiteSpace(jobJson))
            throw ApiErrors.Invalid("job_json", "the job file is empty; send the job's JSON text");
        var bytes = Encoding.UTF8.GetByteCount(jobJson);
        if (bytes > limits.MaxJobFileBytes)
            throw ApiErrors.OverLimit(new LimitBreach("job_json", Key(nameof(ApiLimits.MaxJobFileBytes)), limits.MaxJobFileBytes,
                $"job_json: the job file is {bytes} bytes; the limit {Key(nameof(ApiLimits.MaxJobFileBytes))} is {limits.MaxJobFileBytes}"));

        JobSpec spec;
        try
        {
            spec = JobSpecParser.Parse(jobJson, "job_json");
        }
        catch (JobValidationException e)
        {
            throw ApiErrors.InvalidFields(e.Errors.Select(x => new JobFieldError(x.Field, x.Message)).ToArray());
        }

        var problems = new List<(JobFieldError Error, LimitBreach Limit)>();
        for (var i = 0; i < spec.Model.Layers.Count; i++)
            if (spec.Model.Layers[i].Units is { } units && units > limits.MaxLayerUnits)
                problems.Add(OverLimit($"model.layers[{i}].units", units, nameof(ApiLimits.MaxLayerUnits), limits.MaxLayerUnits));
        if (spec.Training.Steps is { } steps && steps > limits.MaxSteps)
            problems.Add(OverLimit("training.steps", steps, nameof(ApiLimits.MaxSteps), limits.MaxSteps));
        if (spec.Training.Epochs is { } epochs && epochs > limits.MaxEpochs)
            problems.Add(OverLimit("training.epochs", epochs, nameof(ApiLimits.MaxEpochs), limits.MaxEpochs));
        if (spec.Training.Shards > limits.MaxShards)
            problems.Add(OverLimit("training.shards", spec.Training.Shards, nameof(ApiLimits.MaxShards), limits.MaxShards));
        if (problems.Count > 0)
            throw ApiErrors.InvalidFields(problems.Select(p => p.Error).ToArray(), problems.Select(p => p.Limit).ToArray());
        return Resolve(spec);
    }

    private static ResolvedJob Resolve(JobSpec spec)
    {
        try
        {
            return JobResolver.Resolve(spec, jobFileDirectory: null);
        }
        catch (JobValidationException e)
        {
            throw ApiErrors.InvalidFields(e.Errors.Select(x => new JobFieldError(x.Field, x.Message)).ToArray());
        }
        catch (Exception e) when (e is DataFormatException or FileNotFoundException or DirectoryNotFoundException or
            UnauthorizedAccessException)
        {
            throw ApiErrors.Invalid("data.path", e.Message);
        }
    }

    private static (JobFieldError, LimitBreach) OverLimit(string field, long value, string limit, int max)
    {
        var error = new JobFieldError(field, $"{value} is over this silo's limit {Key(limit)} = {max}");
        return (error, new LimitBreach(field, Key(limit), max, error.ToString()));
    }

    private static string Key(string limit) => $"{ApiLimits.Section}:{limit}";
}
