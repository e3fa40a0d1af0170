using Parquet;
using Parquet.Schema;
using Rnn.Training.Data;
using Rnn.Training.Data.Sequences;
using Rnn.Training.Data.Tables;

namespace Rnn.Training.Tests.Data;

public sealed class LongTableSequencesTests
{
    private const string Sessions = """
        session,t,speed,load,outcome
        a,2,1.5,10,churn
        b,1,7,70,stay
        a,1,0.5,5,churn
        a,3,2.5,20,churn
        b,2,8,80,stay

        c,1,3,30,churn
        """;

    private static readonly LongTableSpec PerSequenceClass =
        new("session", "t", ["speed", "load"], ["outcome"], SequenceTargetKind.ClassPerSequence);

    [Fact]
    public void Csv_rows_group_into_ordered_sequences_with_string_classes()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("sessions.csv", Sessions);

        var data = LongTableSequences.Read(path, PerSequenceClass);

        Assert.Equal(3, data.Count);
        Assert.Equal([3, 2, 1], Enumerable.Range(0, 3).Select(data.Length));
        Assert.Equal([0.5f, 5, 1.5f, 10, 2.5f, 20], data.FeaturesOf(0).ToArray());
        Assert.Equal(["churn", "stay"], data.ClassNames);
        Assert.Equal([0, 1, 0], Enumerable.Range(0, 3).Select(data.ClassOf));
        Assert.Equal("sequence 'c' (line 8)", data.Describe(2));
    }

    [Fact]
    public void Per_step_values_follow_the_order_column()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("sessions.csv", Sessions);
        var data = LongTableSequences.Read(path, new LongTableSpec("session", "t", ["speed"], ["load"], SequenceTargetKind.ValuesPerStep));
        Assert.Equal([5f, 10, 20], data.StepValuesOf(0).ToArray());
        Assert.Equal([70f, 80], data.StepValuesOf(1).ToArray());
    }

    [Fact]
    public void A_per_sequence_target_that_changes_within_a_sequence_names_both_lines()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("s.csv", Sessions.Replace("b,2,8,80,stay", "b,2,8,80,churn", StringComparison.Ordinal));
        var error = Assert.Throws<DataFormatException>(() => LongTableSequences.Read(path, PerSequenceClass));
        Assert.Equal($"{path}: sequence 'b': column 'outcome' is 'stay' on line 3 but 'churn' on line 6; a per-sequence target must " +
            "be the same on every row of its sequence (or use a per-step target)", error.Message);
    }

    [Fact]
    public void Two_steps_with_the_same_order_value_are_an_error()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("s.csv", Sessions.Replace("a,3,", "a,2,", StringComparison.Ordinal));
        var error = Assert.Throws<DataFormatException>(() => LongTableSequences.Read(path, PerSequenceClass));
        Assert.Equal($"{path}: sequence 'a': line 2 and line 5 have the same 't' (2), so the order of their steps is undefined", error.Message);
    }

    [Fact]
    public void A_feature_that_is_not_a_number_names_line_and_column()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("s.csv", Sessions.Replace("8,80", "8,NaN", StringComparison.Ordinal));
        var error = Assert.Throws<DataFormatException>(() => LongTableSequences.Read(path, PerSequenceClass));
        Assert.Equal($"{path}: line 6, column 'load': \"NaN\" is not a finite number", error.Message);
        Assert.Equal(6, error.LineNumber);
    }

    [Fact]
    public void A_missing_column_lists_the_columns_there_are()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("s.csv", Sessions);
        var error = Assert.Throws<DataFormatException>(() =>
            LongTableSequences.Read(path, PerSequenceClass with { FeatureColumns = ["speed", "lod"] }));
        Assert.Equal($"{path}: line 1: no column 'lod'; the columns are 'session', 't', 'speed', 'load', 'outcome'", error.Message);
    }

    [Fact]
    public async Task Parquet_gives_the_same_sequences_as_csv()
    {
        using var folder = new TemporaryFolder();
        var csv = LongTableSequences.Read(folder.WriteText("s.csv", Sessions), PerSequenceClass);
        var path = folder.File("s.parquet");
        await WriteSessionsParquet(path, load: [10, 70, 5, 20, 80, 30]);

        var parquet = LongTableSequences.Read(path, PerSequenceClass);

        Assert.Equal("row", parquet.RowWord);
        Assert.Equal(csv.ClassNames, parquet.ClassNames);
        Assert.Equal(csv.Offsets.ToArray(), parquet.Offsets.ToArray());
        Assert.Equal(csv.AllFeatures.ToArray(), parquet.AllFeatures.ToArray());
        Assert.Equal(csv.AllClasses.ToArray(), parquet.AllClasses.ToArray());
        Assert.Equal("sequence 'c' (row 5)", parquet.Describe(2));
    }

    [Fact]
    public async Task A_null_in_a_parquet_feature_names_the_row()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("s.parquet");
        await WriteSessionsParquet(path, load: [10, 70, 5, null, 80, 30]);
        var error = Assert.Throws<DataFormatException>(() => LongTableSequences.Read(path, PerSequenceClass));
        Assert.Equal($"{path}: row 3, column 'load': is empty (null)", error.Message);
    }

    [Fact]
    public void Per_step_string_classes_share_one_sorted_class_list()
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("steps.csv", "id,x,tag\nq,1,verb\nq,2,noun\nr,3,adj\n");
        var data = LongTableSequences.Read(path, new LongTableSpec("id", null, ["x"], ["tag"], SequenceTargetKind.ClassPerStep));
        Assert.Equal(["adj", "noun", "verb"], data.ClassNames);
        Assert.Equal([2, 1], data.StepClassesOf(0).ToArray());
        Assert.Equal([0], data.StepClassesOf(1).ToArray());
    }

    /// <summary>The rows of <see cref="Sessions"/> in two row groups; load is a nullable double column.</summary>
    private static async Task WriteSessionsParquet(string path, double?[] load)
    {
        var session = new DataField<string>("session");
        var t = new DataField<int>("t");
        var speed = new DataField<float>("speed");
        var loadField = new DataField<double?>("load");
        var outcome = new DataField<string>("outcome");
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(session, t, speed, loadField, outcome), stream);
        foreach (var (start, count) in new[] { (0, 4), (4, 2) })
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(session, new[] { "a", "b", "a", "a", "b", "c" }[start..(start + count)]);
            await group.WriteAsync<int>(t, new[] { 2, 1, 1, 3, 2, 1 }.AsMemory(start, count));
            await group.WriteAsync<float>(speed, new[] { 1.5f, 7, 0.5f, 2.5f, 8, 3 }.AsMemory(start, count));
            await group.WriteAsync<double>(loadField, load.AsMemory(start, count));
            await group.WriteAsync(outcome, new[] { "churn", "stay", "churn", "churn", "stay", "churn" }[start..(start + count)]);
        }
    }
}
