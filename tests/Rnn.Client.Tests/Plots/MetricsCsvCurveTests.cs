using Rnn.Client.Plots;
using Rnn.Client.Tests.Support;

namespace Rnn.Client.Tests.Plots;

public sealed class MetricsCsvCurveTests
{
    [Fact]
    public void Rows_become_points_at_steps_done_and_skipped_steps_leave_none()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("metrics.csv", """
            step,epoch,loss,accuracy,grad_norm,learning_rate,samples_per_second,seconds,skipped
            0,0,2.30,0.1,1.5,0.003,100,0.1,0
            1,0,,,,0.003,100,0.1,1
            2,0,1.75,0.4,1.2,0.003,100,0.1,0
            3,0
            """);

        Assert.Equal([new CurvePoint(1, 2.30), new CurvePoint(3, 1.75)], MetricsCsvCurve.ReadLoss(path));
    }

    [Fact]
    public void File_without_a_loss_column_is_invalid_data()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("metrics.csv", "a,b\n1,2\n");
        Assert.Throws<InvalidDataException>(() => MetricsCsvCurve.ReadLoss(path));
    }
}
