namespace Rnn.Training.Jobs;

/// <summary>Gathers every problem found while reading a job file, so the user sees all of them at once.</summary>
internal sealed class JobErrorCollector
{
    private readonly List<JobValidationError> _errors = [];

    public int Count => _errors.Count;

    public IReadOnlyList<JobValidationError> Errors => _errors;

    public void Add(string field, string message) => _errors.Add(new JobValidationError(field, message));

    /// <summary>Field path of a child: <c>training</c> + <c>batch_size</c> = <c>training.batch_size</c>; the root path is empty.</summary>
    public static string Child(string parentPath, string key) => parentPath.Length == 0 ? key : $"{parentPath}.{key}";

    public static string Item(string arrayPath, int index) => $"{arrayPath}[{index}]";
}
