using System.Globalization;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Rnn.Training.Data;
using Rnn.Training.Data.Loading;
using Rnn.Training.Data.Sequences;
using Rnn.Training.Data.Tables;
using Rnn.Training.Jobs;
using Rnn.Training.Resolution;

namespace Rnn.Training.Tests.Data;

/// <summary>
/// Shards of the table kinds hold only their partition: a part streamed from the file equals, bit for bit, the same
/// sequences of the split the whole file gives (<see cref="SequenceDataLoader.Load"/>, the path resolution takes).
/// </summary>
public sealed class TablePartitionTests
{
    private static readonly string[] Labels = ["up", "down", "flat"];

    /// <summary>A long table: 60 sequences of 1..7 steps, rows shuffled (ids interleave), the order column shuffled within.</summary>
    private static List<(string Id, int T, double A, double B, string Label, double V)> LongRows()
    {
        var random = new Random(21);
        var rows = new List<(string, int, double, double, string, double)>();
        for (var s = 0; s < 60; s++)
        {
            var length = 1 + random.Next(7);
            var label = Labels[random.Next(3)];
            foreach (var t in Enumerable.Range(0, length).OrderBy(_ => random.Next()))
                rows.Add(($"s{s}", t * 10, random.NextDouble() * 5 - 2, random.NextDouble() * 100, label, random.NextDouble()));
        }
        return rows.OrderBy(_ => random.Next()).ToList();
    }

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string WriteLongCsv(TemporaryFolder folder, string name = "long.csv") =>
        folder.WriteText(name, "id,t,a,b,label,v\n" + string.Concat(LongRows().Select(r => $"{r.Id},{r.T},{R(r.A)},{R(r.B)},{r.Label},{R(r.V)}\n")));

    private static async Task<string> WriteLongParquet(TemporaryFolder folder)
    {
        var rows = LongRows();
        var path = folder.File("long.parquet");
        var id = new DataField<string>("id");
        var t = new DataField<int>("t");
        var a = new DataField<double>("a");
        var b = new DataField<double>("b");
        var label = new DataField<string>("label");
        var v = new DataField<double>("v");
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, t, a, b, label, v), stream);
        for (var start = 0; start < rows.Count; start += 70) // several row groups, a sequence's rows in more than one
        {
            var part = rows.Skip(start).Take(70).ToArray();
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(id, part.Select(r => r.Id).ToArray());
            await group.WriteAsync<int>(t, part.Select(r => r.T).ToArray());
            await group.WriteAsync<double>(a, part.Select(r => r.A).ToArray());
            await group.WriteAsync<double>(b, part.Select(r => r.B).ToArray());
            await group.WriteAsync(label, part.Select(r => r.Label).ToArray());
            await group.WriteAsync<double>(v, part.Select(r => r.V).ToArray());
        }
        return path;
    }

    private static List<(string Word, string Language)> Words()
    {
        var random = new Random(4);
        const string letters = "abcdefghijklmnopqrstuvwxyzäöüßéè";
        return Enumerable.Range(0, 90).Select(_ => (
            new string(Enumerable.Range(0, 2 + random.Next(9)).Select(_ => letters[random.Next(letters.Length)]).ToArray()),
            new[] { "en", "de", "fr" }[random.Next(3)])).ToList();
    }

    private static string WriteWordsCsv(TemporaryFolder folder) =>
        folder.WriteText("words.csv", "word,language\n" + string.Concat(Words().Select(w => $"{w.Word},{w.Language}\n")));

    private static async Task<string> WriteWordsParquet(TemporaryFolder folder)
    {
        var words = Words();
        var path = folder.File("words.parquet");
        var word = new DataField<string>("word");
        var language = new DataField<string>("language");
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(word, language), stream);
        for (var start = 0; start < words.Count; start += 40)
        {
            var part = words.Skip(start).Take(40).ToArray();
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(word, part.Select(w => w.Word).ToArray());
            await group.WriteAsync(language, part.Select(w => w.Language).ToArray());
        }
        return path;
    }

    private static string WriteSeriesCsv(TemporaryFolder folder)
    {
        var random = new Random(9);
        var text = new StringBuilder("x1,x2,y,weather\n");
        for (var r = 0; r < 240; r++)
            text.Append(CultureInfo.InvariantCulture,
                $"{R(Math.Sin(r / 7.0) + random.NextDouble())},{R(r * 0.5 + random.NextDouble())},{R(300 + r * 0.1 + random.NextDouble())},{Labels[random.Next(3)]}\n");
        return folder.WriteText("series.csv", text.ToString());
    }

    /// <summary>A job around <paramref name="data"/> with a model that fits its target (the model is not trained here).</summary>
    private static ResolvedJob Resolve(string data, int shards)
    {
        var isClass = data.Contains("\"target\": \"class", StringComparison.Ordinal) || data.Contains("text_column", StringComparison.Ordinal);
        var perStep = data.Contains("_per_step", StringComparison.Ordinal);
        var embedding = data.Contains("text_column", StringComparison.Ordinal) ? """{ "type": "embedding", "units": 4 }, """ : "";
        var output = isClass ? "\"classes\", \"activation\": \"softmax\"" : data.Contains("\"horizon\": 2", StringComparison.Ordinal) ? "2" : "1";
        return JobResolver.Resolve(JobSpecParser.Parse($$"""
            { "name": "parts", "seed": 11, "data": {{data}},
              "model": { "layers": [ {{embedding}}{ "type": "gru", "units": 4, "return_sequences": {{(perStep ? "true" : "false")}} },
                                     { "type": "dense", "units": {{output}} } ] },
              "loss": "{{(isClass ? "sparse_categorical_crossentropy" : "mse")}}", "optimizer": { "type": "adam", "lr": 0.01 },
              "training": { "steps": 2, "batch_size": 6, "shards": {{shards}} } }
            """, "parts"), null);
    }

    private static string Path(string path) => JsonSerializer.Serialize(path);

    public static TheoryData<string, string> Kinds() => new()
    {
        { "table-class", """{ "kind": "table", "path": PATH, "sequence": "id", "order": "t", "features": ["a", "b"], "target_column": "label", "target": "class", "test_fraction": 0.2, "validation_fraction": 0.1, "shuffle": true, "normalize": "standard" }""" },
        { "table-values-per-step", """{ "kind": "table", "path": PATH, "sequence": "id", "order": "t", "features": ["a", "b"], "target_columns": ["v"], "target": "values_per_step", "test_fraction": 0.25, "shuffle": true, "normalize": "standard", "limit": 30 }""" },
        { "table-file-order", """{ "kind": "table", "path": PATH, "sequence": "id", "features": ["a"], "target_column": "label", "target": "class_per_step", "test_fraction": 0.2 }""" },
        { "text", """{ "kind": "text_column", "path": PATH, "text": "word", "target_column": "language", "test_fraction": 0.2, "validation_fraction": 0.1, "shuffle": true }""" },
        { "text-limit", """{ "kind": "text_column", "path": PATH, "text": "word", "target_column": "language", "test_fraction": 0.2, "limit": 40 }""" },
        { "series-values", """{ "kind": "series", "path": PATH, "features": ["x1", "x2"], "target_columns": ["y"], "target": "values", "window": 5, "horizon": 2, "test_fraction": 0.2, "validation_fraction": 0.1, "normalize": "standard", "difference": true }""" },
        { "series-class", """{ "kind": "series", "path": PATH, "features": ["x1", "x2", "y"], "target_columns": ["weather"], "target": "class", "window": 6, "horizon": 1, "test_fraction": 0.2, "normalize": "standard", "limit": 150 }""" },
    };

    private static async Task<string[]> Files(TemporaryFolder folder, string kind) => kind switch
    {
        _ when kind.StartsWith("table", StringComparison.Ordinal) => [WriteLongCsv(folder), await WriteLongParquet(folder)],
        _ when kind.StartsWith("text", StringComparison.Ordinal) => [WriteWordsCsv(folder), await WriteWordsParquet(folder)],
        _ => [WriteSeriesCsv(folder)],
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_partition_equals_the_same_sequences_of_the_whole_training_split(string kind, string data)
    {
        using var folder = new TemporaryFolder();
        foreach (var file in await Files(folder, kind))
            foreach (var shards in new[] { 1, 3 })
            {
                var job = Resolve(data.Replace("PATH", Path(file), StringComparison.Ordinal), shards);
                var whole = SequenceDataLoader.Load(job.Spec.Data, job.Spec.Seed).Data!;
                Assert.Equal(whole.Train.Count, job.TrainingItems);
                AssertSame(whole.Train, OwnedSequenceLoader.ReadTraining(job));
                var dealt = 0;
                for (var k = 0; k < shards; k++)
                {
                    var positions = ShardPartitioner.Partition(Enumerable.Range(0, whole.Train.Count).ToArray(), shards, k, job.Spec.Seed, job.DataPath).Positions;
                    var partition = OwnedSequenceLoader.ReadPartition(job, k);
                    AssertSame(whole.Train.Subset(positions), partition);
                    dealt += partition.Count;
                }
                Assert.Equal(whole.Train.Count, dealt);
                var (validation, test) = OwnedSequenceLoader.ReadHeldOut(job);
                AssertSame(whole.Validation, validation);
                AssertSame(whole.Test, test);
            }
    }

    [Fact]
    public void A_long_tables_separate_validation_and_test_files_are_read_whole()
    {
        using var folder = new TemporaryFolder();
        var train = WriteLongCsv(folder);
        var rows = File.ReadAllLines(train);
        var validation = folder.WriteText("validation.csv", string.Join('\n', rows.Take(40)) + "\n");
        var test = folder.WriteText("test.csv", string.Join('\n', rows.Take(1).Concat(rows.Skip(100).Take(50))) + "\n");
        var job = Resolve($$"""
            { "kind": "table", "path": {{Path(train)}}, "validation_path": {{Path(validation)}}, "test_path": {{Path(test)}}, "sequence": "id",
              "order": "t", "features": ["a", "b"], "target_column": "label", "target": "class", "normalize": "standard" }
            """, 3);
        var whole = SequenceDataLoader.Load(job.Spec.Data, job.Spec.Seed).Data!;
        Assert.Equal([new FileInfo(train).Length, new FileInfo(validation).Length, new FileInfo(test).Length],
            new[] { job.DataFacts!.DataFile, job.DataFacts.ValidationFile, job.DataFacts.TestFile }.Select(f => f!.Length));
        var (v, t) = OwnedSequenceLoader.ReadHeldOut(job);
        AssertSame(whole.Validation, v);
        AssertSame(whole.Test, t);
        AssertSame(whole.Train.Subset(ShardPartitioner.Partition(Enumerable.Range(0, whole.Train.Count).ToArray(), 3, 2, 11, job.DataPath).Positions),
            OwnedSequenceLoader.ReadPartition(job, 2));
    }

    [Theory]
    [InlineData("table", false)]
    [InlineData("table", true)]
    [InlineData("text", true)]
    [InlineData("series", false)]
    public void A_file_changed_after_resolution_fails_the_read_naming_the_file(string kind, bool sameLength)
    {
        using var folder = new TemporaryFolder();
        var (file, data) = kind switch
        {
            "table" => (WriteLongCsv(folder), """{ "kind": "table", "path": PATH, "sequence": "id", "order": "t", "features": ["a"], "target_column": "label", "target": "class" }"""),
            "text" => (WriteWordsCsv(folder), """{ "kind": "text_column", "path": PATH, "text": "word", "target_column": "language" }"""),
            _ => (WriteSeriesCsv(folder), """{ "kind": "series", "path": PATH, "features": ["x1"], "target_columns": ["y"], "target": "values", "window": 4 }"""),
        };
        var job = Resolve(data.Replace("PATH", Path(file), StringComparison.Ordinal), 2);
        var text = File.ReadAllText(file);
        // The same length with one digit changed (only the hash can tell), or a row more.
        File.WriteAllText(file, sameLength ? text[..^3] + (text[^3] == '1' ? '2' : '1') + text[^2..] : text + text.Split('\n')[1] + "\n");
        foreach (var read in new Action[] { () => OwnedSequenceLoader.ReadPartition(job, 1), () => OwnedSequenceLoader.ReadHeldOut(job) })
        {
            var error = Assert.Throws<InvalidDataException>(read);
            Assert.StartsWith($"{file} changed after job 'parts' was submitted: it now has {new FileInfo(file).Length} bytes", error.Message);
            Assert.EndsWith("; submit the job again", error.Message);
        }
    }

    [Fact]
    public void Numpy_jobs_carry_no_file_stamps_so_their_hashes_stay_as_they_were()
    {
        using var folder = new TemporaryFolder();
        Steps.ShardOwnedDataTests.WriteNpy(folder.Path, 40);
        var job = JobResolver.Resolve(JobSpecParser.Parse(Steps.ShardOwnedDataTests.NpyJob(folder.Path, 2, 2), "j"), null);
        Assert.Null(job.DataFacts!.DataFile);
        Assert.DoesNotContain("\"DataFile\"", ResolvedJobFile.Serialize(job), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void Csv_blocks_hold_the_rows_and_lines_of_the_whole_file(int chunkRows)
    {
        using var folder = new TemporaryFolder();
        var path = folder.WriteText("q.csv", "k,\"text, quoted\",n\r\n1,\"a\nb\",2\n\n2,plain,3\r\n3,\"say \"\"hi\"\"\",4\n4,x,5\n5,y,6\n6,z,7\n7,w,8");
        var whole = ColumnTable.Read(path, ["n", "text, quoted"]);
        var chunks = ColumnTable.ReadChunks(path, ["n", "text, quoted"], chunkRows).ToArray();
        Assert.Equal((7 + chunkRows - 1) / chunkRows, chunks.Length);
        var joined = ColumnTable.Concat(chunks);
        Assert.Equal(whole.Texts("text, quoted"), joined.Texts("text, quoted"));
        Assert.Equal(whole.Numbers("n"), joined.Numbers("n"));
        Assert.Equal(Enumerable.Range(0, 7).Select(whole.RowNumber), Enumerable.Range(0, 7).Select(joined.RowNumber));
        Assert.Equal([2, 5, 6, 7, 8, 9, 10], Enumerable.Range(0, 7).Select(whole.RowNumber));
        Assert.Equal(["a\nb", "plain", "say \"hi\""], whole.Texts("text, quoted")[..3]);
        var error = Assert.Throws<DataFormatException>(() => joined.Rows([6, 1]).Number("text, quoted", 1));
        Assert.Equal($"{path}: line 5, column 'text, quoted': \"plain\" is not a number", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void The_csv_reader_gives_the_same_records_whatever_its_buffer(int bufferSize)
    {
        const string text = "\uFEFFa,\"b,\r\nc\",\"\"\"\"\r\n\r\nx,,\"q\"\ry,\"z\"";
        var expected = Records(new CsvRecordReader("f.csv", text));
        Assert.Equal(Records(new CsvRecordReader("f.csv", new StringReader(text), bufferSize)), expected);
        Assert.Equal(["1: a|b,\r\nc|\"", "4: x||q", "5: y|z"], expected);
    }

    private static List<string> Records(CsvRecordReader reader)
    {
        var cells = new List<string>();
        var records = new List<string>();
        while (reader.TryReadRecord(cells, out var line)) records.Add($"{line}: {string.Join('|', cells)}");
        return records;
    }

    private static void AssertSame(SequenceDataset? expected, SequenceDataset? actual)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }
        Assert.NotNull(actual);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.RowWord, actual.RowWord);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.TargetKind, actual.TargetKind);
        Assert.Equal(expected.TargetWidth, actual.TargetWidth);
        Assert.Equal(expected.Features, actual.Features);
        Assert.Equal(expected.IsTokens, actual.IsTokens);
        Assert.Equal(expected.ClassNames, actual.ClassNames);
        Assert.Equal(expected.Offsets.ToArray(), actual.Offsets.ToArray());
        Assert.Equal(expected.AllFeatures.ToArray(), actual.AllFeatures.ToArray());
        Assert.Equal(expected.AllClasses.ToArray(), actual.AllClasses.ToArray());
        Assert.Equal(expected.AllValues.ToArray(), actual.AllValues.ToArray());
        Assert.Equal(expected.SourceRows, actual.SourceRows);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected.Describe(i), actual.Describe(i));
            if (expected.IsTokens) Assert.Equal(expected.TokensOf(i).ToArray(), actual.TokensOf(i).ToArray());
        }
    }
}
