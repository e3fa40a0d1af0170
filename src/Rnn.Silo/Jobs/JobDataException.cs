using Rnn.Training.Data;
using Rnn.Training.Jobs;

namespace Rnn.Silo.Jobs;

/// <summary>
/// A job's data no longer reads as it did when the job was submitted (a file removed, damaged or changed since), met
/// while a silo loads the job for training: on a fresh run's first step, on a shard re-activated elsewhere, or on a
/// resume after a restart. Every silo reads the same file, so rolling back cannot help: the job fails once with this
/// message, which names the field, the file and the fix. Serializable, so a shard on another silo raises the same
/// type in the job grain.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.JobDataException")]
public sealed class JobDataException : Exception
{
    public JobDataException()
    {
    }

    public JobDataException(string message) : base(message)
    {
    }

    public JobDataException(string message, Exception inner) : base(message, inner)
    {
    }

    private const string Fix = "restore the data as it was at submission, or submit the job again once it reads";

    /// <summary>The data error of a failed load (with the job field it concerns), or null for any other failure.</summary>
    public static JobDataException? From(Exception loadError) => loadError switch
    {
        JobDataException same => same,
        // Already "source: field: message" per problem.
        JobValidationException e => new JobDataException($"the job's data no longer passes its checks: {e.Message}; {Fix}", e),
        DataSplitException e => new JobDataException($"{e.Field}: {e.Message}", e),
        DataFormatException e => new JobDataException($"data.path: {e.Message}; the file changed after the job was submitted: {Fix}", e),
        FileNotFoundException or DirectoryNotFoundException =>
            new JobDataException($"data.path: {loadError.Message} (it was there when the job was submitted); {Fix}", loadError),
        // TrainingSetup's "changed after job ... was submitted" check and InitWeights' init_from checks name the file
        // and the fix themselves; init_from's name their field too.
        InvalidDataException e when e.Message.StartsWith(JobSpec.InitFromField, StringComparison.Ordinal) => new JobDataException(e.Message, e),
        InvalidDataException e => new JobDataException($"data.path: {e.Message}", e),
        _ => null,
    };
}
