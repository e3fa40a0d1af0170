using System.Text;
using Rnn.Contracts.Messages;
using Rnn.Training.Data;
using Rnn.Training.Jobs;
using Rnn.Training.Resolution;
using Rnn.Training.Safetensors;

namespace Rnn.Silo.Api;

/// <summary>
/// The API's edge for a submitted job file: size, parse (the one job parser, so field errors read as they do for
/// <c>rnn train</c>), the configured limits, then resolution against this silo's data (<see cref="JobResolver"/>),
/// so a missing or malformed data file is refused here rather than met in training. Every refusal is an
/// RpcException whose message names the field, or the limit's config key, with the same problems as google.rpc
/// details (<see cref="ApiErrors"/>). With <see cref="DataRoots"/> the data path is confined to them first and the job
/// is resolved on the real path found there, so the one resolution is also the one confinement check; data errors
/// then name the path as the tenant wrote it, not the server's.
/// </summary>
public static class JobSubmissionCheck
{
    /// <param name="tenant">The caller (its <c>{tenant}</c> data root).</param>
    /// <param name="dataRoots">Null only for trusted in-cluster clients: data paths as in local mode.</param>
    public static ResolvedJob Check(string jobJson, ApiLimits limits, string tenant, DataRoots? dataRoots)
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
        return Resolve(spec, tenant, dataRoots);
    }

    private static ResolvedJob Resolve(JobSpec spec, string tenant, DataRoots? dataRoots)
    {
        var given = spec.Data.Path;
        string? real = null;
        var givenInit = spec.InitFrom;
        string? realInit = null;
        string AsGiven(string message) => Restore(Restore(message, realInit, givenInit), real, given);
        try
        {
            if (dataRoots is not null)
            {
                var confined = dataRoots.ConfineAll(spec.Name, spec.Data, tenant);
                real = confined.Path;
                spec = spec with { Data = confined };
                // init_from is read like data: only under the data roots, and then from the real path found there.
                if (spec.InitFrom is { } init) spec = spec with { InitFrom = realInit = dataRoots.ConfineInitFrom(spec.Name, init, tenant) };
            }
            return JobResolver.Resolve(spec, jobFileDirectory: null);
        }
        catch (JobValidationException e)
        {
            throw ApiErrors.InvalidFields(e.Errors.Select(x => new JobFieldError(x.Field, AsGiven(x.Message))).ToArray());
        }
        catch (SafetensorsFormatException e)
        {
            throw ApiErrors.Invalid(InitWeights.Field, AsGiven(e.Message));
        }
        catch (Exception e) when (e is DataFormatException or FileNotFoundException or DirectoryNotFoundException or
            UnauthorizedAccessException)
        {
            throw ApiErrors.Invalid("data.path", AsGiven(e.Message));
        }
    }

    /// <summary>The message with a server's real path written as the job gave it.</summary>
    private static string Restore(string message, string? real, string? given) =>
        real is null || given is null ? message : message.Replace(real, given, StringComparison.Ordinal);

    private static (JobFieldError, LimitBreach) OverLimit(string field, long value, string limit, int max)
    {
        var error = new JobFieldError(field, $"{value} is over this silo's limit {Key(limit)} = {max}");
        return (error, new LimitBreach(field, Key(limit), max, error.ToString()));
    }

    private static string Key(string limit) => $"{ApiLimits.Section}:{limit}";
}
