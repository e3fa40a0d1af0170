using System.Diagnostics;
using Rnn.Contracts;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Optimizers;
using Rnn.Kernels.Training;
using Rnn.Silo.Compute;
using Rnn.Silo.Jobs;
using Rnn.Silo.Placement;

namespace Rnn.Silo.Grains;

/// <summary>
/// Shard k of a job: pulls the parameters of version s from every block, runs forward and backward on its
/// micro-batch on the silo's compute executor, and pushes its gradient sum block by block. It keeps the last step's
/// result, so a repeated request for the same step (a retry after a deadline) re-pushes the same bytes instead of
/// computing again, which would advance carried stream state twice.
/// </summary>
[SpreadByIndexPlacement]
public sealed class ShardGrain(ComputeExecutor executor, JobRuntimeCache runtimes, ILocalSiloDetails silo) : Grain, IShardGrain
{
    private ShardGradientComputer? _computer;
    private JobRuntime? _runtime;
    private JobDefinition? _definition;
    private float[] _parameters = [];
    private float[] _gradient = [];
    private ShardStepReport? _lastReport;

    private int Shard => GrainKeys.Parse(this.GetPrimaryKeyString()).Index;

    public async Task<ShardStepReport> ComputeStepAsync(ShardStepRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Job != _definition)
        {
            // A new run (or the first request): start from a fresh computer so no carried state leaks across runs.
            _runtime = await runtimes.GetAsync(request.Job);
            _definition = request.Job;
            _computer = null;
            _lastReport = null;
        }
        var runtime = _runtime!;
        if (_lastReport is { } last && last.Step == request.Step)
        {
            await PushAsync(request.Job.JobId, runtime, request.Step);
            return last;
        }

        var shard = Shard;
        if (shard >= runtime.Setup.Shards)
            throw new ArgumentOutOfRangeException(nameof(request), $"shard {shard} does not exist; the job has {runtime.Setup.Shards}");
        if (_computer is null)
        {
            // One thread per shard computation: kernels give the same bits for any thread count, and the executor
            // runs several shards side by side.
            _computer = runtime.Setup.CreateShardComputer(shard, new CpuCompute(1));
            _parameters = new float[runtime.Layout.TotalLength];
            _gradient = new float[runtime.Layout.TotalLength];
        }

        await PullParametersAsync(request.Job.JobId, runtime, request.Step);
        var (computer, parameters, gradient, step) = (_computer, _parameters, _gradient, request.Step);
        var (result, finite, seconds) = await executor.RunAsync(() =>
        {
            var clock = Stopwatch.StartNew();
            var r = computer.Compute(parameters, step, gradient);
            return (r, GradientClipping.AllFinite(gradient), clock.Elapsed.TotalSeconds);
        });
        _lastReport = new ShardStepReport(shard, step, result.LossSum, result.LossCount, result.Correct, result.Rows,
            finite, seconds, silo.Name);
        await PushAsync(request.Job.JobId, runtime, step);
        return _lastReport;
    }

    public Task ReleaseAsync()
    {
        runtimes.Release(GrainKeys.Parse(this.GetPrimaryKeyString()).JobId);
        this.DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private async Task PullParametersAsync(string jobId, JobRuntime runtime, long version)
    {
        var blocks = await Task.WhenAll(Enumerable.Range(0, runtime.Blocks.Count).Select(j =>
            GrainFactory.GetGrain<IParameterServerGrain>(GrainKeys.ParameterServer(jobId, j)).GetParametersAsync(version)));
        foreach (var block in blocks)
            TensorBytes.ToFloats(block.Values, _parameters.AsSpan(runtime.Blocks.RangeOf(block.Block)));
    }

    private Task PushAsync(string jobId, JobRuntime runtime, long step) =>
        Task.WhenAll(Enumerable.Range(0, runtime.Blocks.Count).Select(j =>
            GrainFactory.GetGrain<IParameterServerGrain>(GrainKeys.ParameterServer(jobId, j)).PushGradientAsync(
                new GradientPush(Shard, step, j, TensorBytes.FromFloats(_gradient.AsSpan(runtime.Blocks.RangeOf(j)))))));
}
