namespace Rnn.Silo.Tests;

/// <summary>One silo that runs its jobs' steps itself (RnnTrainingOptions.InProcessSteps, as the CLI's local mode).</summary>
public sealed class InProcessStepsFixture() : ClusterFixture(1, inProcessSteps: true);
