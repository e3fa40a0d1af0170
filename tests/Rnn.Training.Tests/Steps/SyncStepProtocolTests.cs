using Rnn.Kernels.Losses;
using Rnn.Training.Steps;
using Rnn.Training.Tests.Jobs;

namespace Rnn.Training.Tests.Steps;

/// <summary>The one copy of a step's decisions: reduction order, NaN verdict, learning rate and clip scale.</summary>
public sealed class SyncStepProtocolTests
{
    private static TrainingSetup Setup(string nanPolicy)
    {
        var job = JobJson.Csv();
        job["training"]!["nan_policy"] = nanPolicy;
        job["optimizer"]!["clip_norm"] = 1.0;
        return TrainingSetup.Load(JobJson.ParseValid(job), RepositoryPaths.Root);
    }

    private static ShardGradientOutcome Shard(int k, double loss, bool finite = true) =>
        new(k, new ShardStepResult(loss, 10, 0, 10), finite);

    [Fact]
    public void Shards_are_summed_in_shard_order_whatever_order_they_report_in()
    {
        var protocol = new SyncStepProtocol(Setup("skip_step"));
        // Three losses whose float sum depends on the order: (a + b) + c differs from (c + b) + a.
        var shards = new[] { Shard(0, 1e16), Shard(1, 1.0), Shard(2, -1e16) };

        var inOrder = protocol.Reduce(0, shards);
        var reversed = protocol.Reduce(0, shards.Reverse());

        Assert.Equal(((1e16 + 1.0) + -1e16) / 30, inOrder.Loss);
        Assert.Equal(inOrder.Loss, reversed.Loss);
        Assert.Equal(30, inOrder.LossCount);
        Assert.Null(inOrder.Accuracy); // a regression job has no accuracy
    }

    [Fact]
    public void A_non_finite_shard_skips_the_step_naming_the_lowest_such_shard()
    {
        var protocol = new SyncStepProtocol(Setup("skip_step"));

        var verdict = protocol.Reduce(7, [Shard(2, 1, finite: false), Shard(0, 1), Shard(1, 1, finite: false)]);

        Assert.Equal("the gradient of shard 1 at step 7 is not finite (NaN or Inf); step skipped (training.nan_policy 'skip_step')",
            verdict.SkipReason);
        Assert.True(double.IsNaN(protocol.Metrics(verdict, double.NaN, 0.1, []).GradNorm));
    }

    [Fact]
    public void A_non_finite_shard_fails_the_job_when_the_policy_says_fail()
    {
        var protocol = new SyncStepProtocol(Setup("fail"));

        var error = Assert.Throws<TrainingFailedException>(() => protocol.Reduce(3, [Shard(0, 1, finite: false)]));

        Assert.Equal("the gradient of shard 0 at step 3 is not finite (NaN or Inf); training.nan_policy is 'fail'", error.Message);
    }

    [Fact]
    public void The_clip_scale_comes_from_the_block_norms_summed_in_block_order()
    {
        var protocol = new SyncStepProtocol(Setup("skip_step"));

        var (norm, scale) = protocol.Clip([9.0, 16.0]);
        var (smallNorm, noClip) = protocol.Clip([0.25]);

        Assert.Equal(5.0, norm);
        Assert.Equal(GradientAggregation.ClipScale(5.0, 1f), scale);
        Assert.True(scale < 1f);
        Assert.Equal(0.5, smallNorm);
        Assert.Equal(1f, noClip);
    }

    [Fact]
    public void The_learning_rate_stays_the_schedules_double()
    {
        var setup = Setup("skip_step");
        var protocol = new SyncStepProtocol(setup);

        var verdict = protocol.Reduce(5, [Shard(0, 1)]);

        Assert.Equal(setup.Job.Optimizer.LearningRateAt(5, setup.TotalSteps), verdict.LearningRate);
        Assert.Equal(0.005, verdict.LearningRate);
    }
}
