namespace Rnn.Kernels.Tests.Compute;

/// <summary>
/// All parties spin until the last arrives; reusable and allocation-free (a blocking barrier allocates its wait
/// objects lazily, which allocation tests would see).
/// </summary>
internal sealed class SpinRendezvous(int parties)
{
    private int _arrived;

    public void Wait()
    {
        var target = (Interlocked.Increment(ref _arrived) + parties - 1) / parties * parties;
        var spinner = new SpinWait();
        while (Volatile.Read(ref _arrived) < target) spinner.SpinOnce(sleep1Threshold: -1);
    }
}
