using Rnn.Training.Jobs;

namespace Rnn.Training.Tests.Jobs;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Without_a_schedule_the_rate_is_constant()
    {
        var optimizer = new OptimizerSpec { Type = "adam", Lr = 0.01 };

        Assert.Equal(0.01, optimizer.LearningRateAt(0, 100));
        Assert.Equal(0.01, optimizer.LearningRateAt(99, 100));
    }

    [Fact]
    public void Warmup_ramps_linearly_up_to_the_base_rate()
    {
        var schedule = new ScheduleSpec { Type = "constant", WarmupSteps = 4 };

        Assert.Equal([0.25, 0.5, 0.75, 1.0, 1.0], Enumerable.Range(0, 5).Select(s => schedule.LearningRateAt(1.0, s, 10)));
    }

    [Fact]
    public void A_step_schedule_multiplies_by_gamma_every_step_size_steps_after_warmup()
    {
        var schedule = new ScheduleSpec { Type = "step", StepSize = 3, Gamma = 0.5, WarmupSteps = 1 };

        Assert.Equal([1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25],
            Enumerable.Range(0, 8).Select(s => schedule.LearningRateAt(1.0, s, 100)));
    }

    [Fact]
    public void A_cosine_schedule_goes_from_the_base_rate_to_min_lr_at_the_last_step()
    {
        var schedule = new ScheduleSpec { Type = "cosine", MinLr = 0.1 };

        Assert.Equal(1.0, schedule.LearningRateAt(1.0, 0, 11), 12);
        Assert.Equal(0.55, schedule.LearningRateAt(1.0, 5, 11), 12);
        Assert.Equal(0.1, schedule.LearningRateAt(1.0, 10, 11), 12);
        Assert.Equal(0.1, schedule.LearningRateAt(1.0, 50, 11), 12);
    }
}
