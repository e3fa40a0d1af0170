namespace Rnn.Kernels.Compute;

/// <summary>
/// A job for <see cref="ComputeWorkerPool"/>: every participant calls <see cref="Execute"/> once with its index, and
/// the job splits its work statically by (worker, participants). Implemented by reusable objects so dispatch does not
/// allocate.
/// </summary>
internal interface IComputeWork
{
    void Execute(int worker, int participants);
}
