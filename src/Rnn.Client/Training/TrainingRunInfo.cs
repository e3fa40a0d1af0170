namespace Rnn.Client.Training;

/// <summary>What a display needs to know before the first step.</summary>
/// <param name="StartStep">Steps already done (non-zero when a run resumes).</param>
internal sealed record TrainingRunInfo(
    string JobName, long TotalSteps, int StepsPerEpoch, long StartStep, int Threads, string OutputDirectory)
{
    public int Epochs => (int)((TotalSteps + StepsPerEpoch - 1) / StepsPerEpoch);
}
