namespace Rnn.Client.Progress;

/// <summary>What a display needs to know before the first step.</summary>
/// <param name="StepsPerEpoch">0 when not known (a job followed on a remote cluster: the API does not say).</param>
/// <param name="StartStep">Steps already done (non-zero when a run resumes).</param>
internal sealed record TrainingRunInfo(
    string JobName, long TotalSteps, int StepsPerEpoch, long StartStep, int Silos, int Threads, string OutputDirectory)
{
    /// <summary>"1 silo, 2 threads" / "3 silos, 2 threads each".</summary>
    public string ClusterText => Cluster ?? (Silos == 1 ? $"1 silo, {Threads} threads" : $"{Silos} silos, {Threads} threads each");

    /// <summary>Where the run happens when it is not a local cluster, e.g. "job 3f0c… on http://host:5080".</summary>
    public string? Cluster { get; init; }

    public bool EpochsKnown => StepsPerEpoch > 0;

    /// <summary>0 when <see cref="StepsPerEpoch"/> is not known.</summary>
    public int Epochs => EpochsKnown ? (int)((TotalSteps + StepsPerEpoch - 1) / StepsPerEpoch) : 0;

    /// <summary>"epoch 2/8", or "epoch 2" when the epoch count is not known.</summary>
    public string EpochText(int epoch) => EpochsKnown ? $"epoch {epoch}/{Epochs}" : $"epoch {epoch}";
}
