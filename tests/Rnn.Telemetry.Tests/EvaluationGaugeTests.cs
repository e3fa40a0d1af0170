using Rnn.Telemetry.Tests.Support;

namespace Rnn.Telemetry.Tests;

/// <summary>
/// Every evaluation metric is a gauge on /metrics, by split (test, validation), labelled with the job's name beside its
/// id: accuracy and loss of a classifier with a validation split, RMSE of a forecaster, bits per character of a
/// character model.
/// </summary>
[Collection(ScrapedSiloCollection.Name)]
public sealed class EvaluationGaugeTests(ScrapedSiloFixture fixture)
{
    [Theory]
    [InlineData("rnn_eval_accuracy", ScrapedSiloFixture.JobId, "scraped", "test")]
    [InlineData("rnn_eval_accuracy", ScrapedSiloFixture.JobId, "scraped", "validation")]
    [InlineData("rnn_eval_loss", ScrapedSiloFixture.JobId, "scraped", "test")]
    [InlineData("rnn_eval_loss", ScrapedSiloFixture.JobId, "scraped", "validation")]
    [InlineData("rnn_eval_rmse", ScrapedSiloFixture.CsvJobId, "scraped-co2", "test")]
    [InlineData("rnn_eval_rmse", ScrapedSiloFixture.CsvJobId, "scraped-co2", "validation")]
    [InlineData("rnn_eval_baseline_rmse", ScrapedSiloFixture.CsvJobId, "scraped-co2", "test")]
    [InlineData("rnn_eval_bits_per_char", ScrapedSiloFixture.TextJobId, "scraped-text", "test")]
    [InlineData("rnn_eval_bits_per_char", ScrapedSiloFixture.TextJobId, "scraped-text", "validation")]
    public void EachEvaluationMetricIsAGaugeWithTheJobsNameAndSplit(string series, string jobId, string jobName, string split)
    {
        var sample = Assert.Single(PrometheusText.Samples(fixture.Scrape, series), l =>
            l.Contains($"job_id=\"{jobId}\"", StringComparison.Ordinal) && l.Contains($"split=\"{split}\"", StringComparison.Ordinal));
        Assert.Contains($"job_name=\"{jobName}\"", sample, StringComparison.Ordinal);
        var value = double.Parse(sample[(sample.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(double.IsFinite(value) && value >= 0, sample);
    }

    [Fact]
    public void TheValidationAccuracyGaugeHoldsTheLastEvaluationsValue()
    {
        var sample = Assert.Single(PrometheusText.Samples(fixture.Scrape, "rnn_eval_accuracy"), l =>
            l.Contains($"job_id=\"{ScrapedSiloFixture.JobId}\"", StringComparison.Ordinal) && l.Contains("split=\"validation\"", StringComparison.Ordinal));
        var value = double.Parse(sample[(sample.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(fixture.Status.LastEvaluation!.Metrics["val_accuracy"], value, 6);
    }

    [Fact]
    public void TrainingGaugesCarryTheJobsNameToo()
    {
        var loss = Assert.Single(PrometheusText.Samples(fixture.Scrape, "rnn_train_loss"),
            l => l.Contains($"job_id=\"{ScrapedSiloFixture.JobId}\"", StringComparison.Ordinal));
        Assert.Contains("job_name=\"scraped\"", loss, StringComparison.Ordinal);
    }
}
