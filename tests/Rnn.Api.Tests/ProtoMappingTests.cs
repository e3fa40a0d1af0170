using Rnn.Contracts.Messages;
using Rnn.Silo.Api;
using Rnn.Training.Steps;

namespace Rnn.Api.Tests;

public sealed class ProtoMappingTests
{
    private static readonly DateTime Completed = new(2026, 12, 8, 0, 21, 53, 156, DateTimeKind.Utc);

    [Fact]
    public void An_evaluation_and_a_step_carry_when_the_job_finished_them_and_leave_it_unset_when_unknown()
    {
        var metrics = new Dictionary<string, double> { ["accuracy"] = 0.75 };
        var live = new EvaluationMetrics("job", 125, 0, metrics) { CompletedUtc = Completed }.ToProto();
        Assert.Equal(Completed, live.CompletedAt.ToDateTime());
        Assert.Equal(0.75, live.Metrics["accuracy"]);
        Assert.Null(new EvaluationMetrics("job", 125, 0, metrics).ToProto().CompletedAt);

        var step = new StepMetrics(124, 0, 0.5, 0.9, 1.0, 0.001, 0.005, 64, null) { CompletedUtc = Completed }.ToProto();
        Assert.Equal(Completed, step.CompletedAt.ToDateTime());
        Assert.Null(new StepMetrics(124, 0, 0.5, 0.9, 1.0, 0.001, 0.005, 64, null).ToProto().CompletedAt);
    }
}
