using Rnn.Training.Runs;
using Rnn.Training.Steps;

namespace Rnn.Training.Tests.Runs;

/// <summary>metrics.csv has one writer and one reader, beside each other; what one writes the other reads back.</summary>
public sealed class MetricsCsvRoundTripTests
{
    [Fact]
    public void Rows_read_back_by_header_with_skips_and_missing_accuracy()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("metrics.csv");
        using (var writer = new MetricsCsvWriter(path))
        {
            writer.Append(new StepMetrics(0, 0, 2.5, 0.25, 1.5, 0.003, 0.2, 64, null));
            writer.Append(new StepMetrics(1, 0, 2.25, null, double.NaN, 0.002, 0.1, 64, "the gradient of shard 1 at step 1 is not finite"));
        }

        var rows = MetricsCsvReader.Read(path);

        Assert.Equal(2, rows.Count);
        Assert.Equal(new MetricsCsvRow(0, 0, 2.5, 0.25, 1.5, 0.003, 320, 0.2, false), rows[0]);
        Assert.Null(rows[1].Accuracy);
        Assert.True(double.IsNaN(rows[1].GradNorm));
        Assert.True(rows[1].Skipped);
    }

    [Fact]
    public void A_row_cut_short_is_skipped_and_a_rewritten_step_keeps_its_last_row()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("metrics.csv", MetricsCsvWriter.Header + "\n" +
            "0,0,2.5,,1,0.1,10,1,0\n" + "1,0,2.4,,1,0.1,10,1,0\n" + "1,0,2.3,,1,0.1,10,1,0\n" + "2,0,2.2");

        var rows = MetricsCsvReader.Read(path);

        Assert.Equal([0L, 1], rows.Select(r => r.Step));
        Assert.Equal(2.3, rows[1].Loss);
    }

    [Fact]
    public void A_file_without_step_and_loss_columns_is_refused_naming_it()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("other.csv", "date,value\n2020-01-01,3\n");

        var error = Assert.Throws<InvalidDataException>(() => MetricsCsvReader.Read(path));

        Assert.Contains("other.csv: the header has no step and loss columns", error.Message, StringComparison.Ordinal);
    }
}
