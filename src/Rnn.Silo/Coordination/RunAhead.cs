namespace Rnn.Silo.Coordination;

/// <summary>
/// What a driver lets its job's steps do without it (<see cref="IJobSteps.RunStepAsync"/>): run on until
/// <paramref name="To"/> steps are done, taking a snapshot of the job's state after each count of steps done where
/// <paramref name="SnapshotAfter"/> holds (a checkpoint is due) and evaluating it where <paramref name="EvaluateAfter"/>
/// holds, so the driver writes and logs them while the next steps compute. The grains' protocol runs one step per call
/// and ignores it.
/// </summary>
public sealed record RunAhead(long To, Func<long, bool> SnapshotAfter, Func<long, bool> EvaluateAfter);
