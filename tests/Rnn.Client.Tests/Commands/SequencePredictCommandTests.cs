using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Parquet;
using Parquet.Schema;
using Rnn.Client.Tests.Support;
using Rnn.Kernels.Compute;
using Rnn.Training.Data.Numpy;
using Rnn.Training.Runs;
using Rnn.Training.Safetensors;
using Rnn.Training.Steps;

namespace Rnn.Client.Tests.Commands;

/// <summary>
/// rnn predict on the sequence kinds (numpy, table, series, text_column), each on small data written here and a
/// model trained two steps on it: every output equals the model run on that sample alone over its own length,
/// class names come from the model's metadata, values come back in the data's units, targets are optional.
/// </summary>
public sealed class SequencePredictCommandTests : IDisposable
{
    private const double Tolerance = 1e-5;
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task NumpyNpzClassesHonourEachSamplesLengthAndNeedNoTargets()
    {
        var random = new Random(1);
        const int n = 24, t = 6, f = 3;
        var x = Floats(random, n * t * f);
        var lengths = Enumerable.Range(0, n).Select(_ => random.Next(2, t + 1)).ToArray();
        var y = Enumerable.Range(0, n).Select(i => (long)(i % 3)).ToArray();
        var train = WriteNpz("train.npz", ("x", x, [n, t, f]), ("lengths", lengths.Select(l => (long)l).ToArray(), [n]), ("y", y, [n]));
        var (model, setup) = ModelFolders.Train(_folder, Job("np-class", $$"""
            { "kind": "numpy", "path": {{Quote(train)}}, "target": "class", "normalize": "standard", "test_fraction": 0.25 }
            """, """[ { "type": "gru", "units": 8 }, { "type": "dense", "units": "classes" } ]""", "sparse_categorical_crossentropy"), "np-model");
        var newX = Floats(random, 5 * t * f);
        int[] newLengths = [6, 2, 4, 1, 5];
        var data = WriteNpz("new.npz", ("x", newX, [5, t, f]), ("lengths", newLengths.Select(l => (long)l).ToArray(), [5]));

        var run = await CliRun.Of("predict", model, data, "--format", "jsonl");

        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = run.OutLines.Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(5, rows.Length);
        var normalizer = setup.Sequences!.FeatureNormalizer!;
        for (var i = 0; i < 5; i++)
        {
            var features = newX.AsSpan(i * t * f, newLengths[i] * f).ToArray();
            normalizer.Apply(features);
            var expected = ForwardAlone(model, setup, features, [], newLengths[i]);
            Assert.Equal(newLengths[i], (int)rows[i]["length"]!);
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), (string)rows[i]["sequence"]!);
            Assert.Null(rows[i]["label"]);
            AssertClose(expected, Numbers(rows[i]["logits"]!));
            var probabilities = rows[i]["probabilities"]!.AsObject();
            Assert.Equal(["0", "1", "2"], probabilities.Select(p => p.Key));
            Assert.Equal(Array.IndexOf(expected, expected.Max()).ToString(CultureInfo.InvariantCulture), (string)rows[i]["predicted"]!);
        }
    }

    [Fact]
    public async Task NumpyPerStepClassesGiveEachValidStepItsLabelAndPrediction()
    {
        var random = new Random(4);
        const int n = 12, t = 5, f = 2;
        var x = Floats(random, n * t * f);
        var lengths = Enumerable.Range(0, n).Select(i => (long)(1 + i % t)).ToArray();
        var y = Enumerable.Range(0, n * t).Select(i => (long)(x[i * f] > 0 ? 1 : 0)).ToArray();
        var data = WriteNpz("tags.npz", ("x", x, [n, t, f]), ("lengths", lengths, [n]), ("y", y, [n, t]));
        var (model, setup) = ModelFolders.Train(_folder, Job("np-tags", $$"""
            { "kind": "numpy", "path": {{Quote(data)}}, "target": "class_per_step" }
            """, """[ { "type": "gru", "units": 6, "return_sequences": true, "bidirectional": true }, { "type": "dense", "units": "classes" } ]""",
            "sparse_categorical_crossentropy"), "np-tags-model");

        var csv = await CliRun.Of("predict", model, data, "--limit", "4");
        var json = await CliRun.Of("predict", model, data, "--limit", "4", "--format", "jsonl");

        Assert.True(csv.ExitCode == 0, csv.ToString());
        Assert.Equal("index,sequence,step,label,predicted,p_0,p_1", csv.OutLines[0]);
        Assert.Equal(1 + 1 + 2 + 3 + 4, csv.OutLines.Length); // one line per valid step
        var rows = json.OutLines.Select(l => JsonNode.Parse(l)!).ToArray();
        for (var i = 0; i < 4; i++)
        {
            var length = (int)lengths[i];
            var expected = ForwardAlone(model, setup, x[(i * t * f)..((i * t + length) * f)], [], length);
            var logits = rows[i]["logits"]!.AsArray();
            Assert.Equal(length, logits.Count);
            AssertClose(expected, logits.SelectMany(step => Numbers(step!)).ToArray());
            Assert.Equal(y[(i * t)..(i * t + length)].Select(v => v.ToString(CultureInfo.InvariantCulture)), rows[i]["label"]!.AsArray().Select(v => (string)v!));
            Assert.Equal(length, rows[i]["predicted"]!.AsArray().Count);
        }
    }

    [Fact]
    public async Task NumpyNpyPerStepValuesComeBackInTheDataUnitsBesideTheTargets()
    {
        var random = new Random(2);
        const int n = 16, t = 5, f = 2;
        var x = Floats(random, n * t * f);
        var y = Enumerable.Range(0, n * t).Select(i => (float)(100 + 10 * x[i * f])).ToArray();
        var folder = Directory.CreateDirectory(_folder.File("np")).FullName;
        NpyWriter.Write(Path.Combine(folder, "x.npy"), x, n, t, f);
        NpyWriter.Write(Path.Combine(folder, "y.npy"), y, n, t, 1);
        var (model, setup) = ModelFolders.Train(_folder, Job("np-steps", $$"""
            { "kind": "numpy", "path": {{Quote(Path.Combine(folder, "x.npy"))}}, "y": "y.npy", "target": "values_per_step", "normalize": "standard" }
            """, """[ { "type": "lstm", "units": 6, "return_sequences": true }, { "type": "dense", "units": 1 } ]""", "mse"), "np-steps-model");

        var run = await CliRun.Of("predict", model, Path.Combine(folder, "x.npy"), "--limit", "3");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.OutLines;
        Assert.Equal("index,sequence,step,prediction_1,target_1", lines[0]);
        Assert.Equal(1 + 3 * t, lines.Length);
        var targets = setup.Sequences!.TargetNormalizer!;
        for (var i = 0; i < 3; i++)
        {
            var features = x.AsSpan(i * t * f, t * f).ToArray();
            setup.Sequences.FeatureNormalizer!.Apply(features);
            var expected = ForwardAlone(model, setup, features, [], t);
            for (var s = 0; s < t; s++)
            {
                var cells = lines[1 + i * t + s].Split(',');
                Assert.Equal([i.ToString(CultureInfo.InvariantCulture), i.ToString(CultureInfo.InvariantCulture), s.ToString(CultureInfo.InvariantCulture)], cells[..3]);
                Assert.Equal(targets.Inverse(0, expected[s]), Parse(cells[3]), 4);
                Assert.Equal(y[i * t + s], Parse(cells[4]), 4);
            }
        }
        // JSON lines: one line per sequence, an array per step.
        var json = await CliRun.Of("predict", model, Path.Combine(folder, "x.npy"), "--limit", "3", "--format", "jsonl");
        var first = JsonNode.Parse(json.OutLines[0])!;
        Assert.Equal(t, first["prediction"]!.AsArray().Count);
        Assert.Equal(Parse(lines[1].Split(',')[3]), (double)first["prediction"]![0]![0]!, 12);
        Assert.Equal(Parse(lines[t].Split(',')[4]), (double)first["target"]![t - 1]![0]!, 12);
    }

    [Fact]
    public async Task TableClassesAreNamedFromTheModelAndStepsFollowTheOrderColumn()
    {
        var (model, setup) = TrainTable();
        // Steps given in reverse order of t, without the target column.
        var data = _folder.WriteText("new.csv", "t,id,a,b\n2,s1,0.5,1\n1,s1,0.1,2\n0,s1,-0.3,0\n1,s2,1.5,-1\n0,s2,0.2,0.3\n");

        var run = await CliRun.Of("predict", model, data);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.OutLines;
        Assert.Equal("index,sequence,length,label,predicted,p_run,p_sit,p_walk", lines[0]);
        Assert.Equal(3, lines.Length);
        float[][] steps = [[-0.3f, 0, 0.1f, 2, 0.5f, 1], [0.2f, 0.3f, 1.5f, -1]];
        for (var i = 0; i < 2; i++)
        {
            var cells = lines[1 + i].Split(',');
            Assert.Equal(["s" + (i + 1), (steps[i].Length / 2).ToString(CultureInfo.InvariantCulture), ""], cells[1..4]);
            var features = steps[i].ToArray();
            setup.Sequences!.FeatureNormalizer!.Apply(features);
            var expected = Softmax(ForwardAlone(model, setup, features, [], steps[i].Length / 2));
            AssertClose(expected, cells[5..].Select(c => (float)Parse(c)).ToArray());
            Assert.Equal(new[] { "run", "sit", "walk" }[Array.IndexOf(expected, expected.Max())], cells[4]);
        }
    }

    [Fact]
    public async Task AParquetTableGivesTheSamePredictionsAsTheSameRowsInCsv()
    {
        var (model, _) = TrainTable();
        var csv = _folder.WriteText("same.csv", "id,t,a,b,activity\nu,0,0.25,1.5,sit\nu,1,-0.5,2,sit\nv,0,0.75,0.5,walk\n");
        var parquet = _folder.File("same.parquet");
        var id = new DataField<string>("id");
        var t = new DataField<long>("t");
        var a = new DataField<double>("a");
        var b = new DataField<double>("b");
        var activity = new DataField<string>("activity");
        await using (var stream = File.Create(parquet))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, t, a, b, activity), stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(id, new[] { "u", "u", "v" });
            await group.WriteAsync<long>(t, new long[] { 0, 1, 0 });
            await group.WriteAsync<double>(a, new[] { 0.25, -0.5, 0.75 });
            await group.WriteAsync<double>(b, new[] { 1.5, 2, 0.5 });
            await group.WriteAsync(activity, new[] { "sit", "sit", "walk" });
        }

        var fromCsv = await CliRun.Of("predict", model, csv);
        var fromParquet = await CliRun.Of("predict", model, parquet);

        Assert.True(fromParquet.ExitCode == 0, fromParquet.ToString());
        Assert.Equal(fromCsv.Out, fromParquet.Out);
        Assert.Equal(["sit", "walk"], fromParquet.OutLines[1..].Select(l => l.Split(',')[3]));
    }

    [Fact]
    public async Task ADownloadedModelWithoutJobJsonPredictsFromTheJobSavedInTheModelFile()
    {
        var (model, _) = TrainTable();
        var withJob = await CliRun.Of("predict", model, _folder.File("table.csv"), "--limit", "4");
        File.Delete(Path.Combine(model, "job.json"));

        var run = await CliRun.Of("predict", model, _folder.File("table.csv"), "--limit", "4");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(withJob.Out, run.Out);
        // The data's own labels ride along when the target column is there.
        Assert.Equal("run", run.OutLines[1].Split(',')[3]);
        // The saved job names the data file but none of the folders it was trained from.
        var saved = SafetensorsFile.Read(Path.Combine(model, "model.safetensors")).Metadata["resolved_job"];
        Assert.Contains("\"table.csv\"", saved, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetFileName(_folder.Path), saved, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingFeatureColumnIsADataErrorNamingTheFileAndColumn()
    {
        var (model, _) = TrainTable();
        var data = _folder.WriteText("no-b.csv", "id,t,a\ns1,0,1\n");

        var run = await CliRun.Of("predict", model, data);

        Assert.Equal(4, run.ExitCode);
        Assert.Contains($"{data}: line 1: no column 'b'; the columns are 'id', 't', 'a'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AModelFileWithoutItsClassMapIsADataErrorNamingTheKey()
    {
        var (model, _) = TrainTable();
        var path = Path.Combine(model, "model.safetensors");
        var file = SafetensorsFile.Read(path);
        SafetensorsWriter.Write(path, file.Tensors, file.Metadata.Where(m => m.Key != "classes").ToDictionary());

        var run = await CliRun.Of("predict", model, _folder.File("table.csv"));

        Assert.Equal(4, run.ExitCode);
        Assert.Contains($"{path}: has no 'classes' metadata (the class map a model trained on table data carries)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVariableLengthModelExportsWithALengthsInput()
    {
        var (model, _) = TrainTable();

        var run = await CliRun.Of("export", model, "--onnx", _folder.File("table.onnx"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.EndsWith("input [time, batch, 2] float, lengths [batch] int32 -> output [batch, 3]", run.Out.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeriesForecastsEveryWindowInTheDataUnitsWithTargetsWhereTheTableHasThem()
    {
        var rows = Enumerable.Range(0, 40).Select(i => (Temp: 10 + 5 * Math.Sin(i / 4.0), Wind: 3 + Math.Cos(i / 3.0))).ToArray();
        var data = _folder.WriteText("weather.csv", "temp,wind\n" + string.Join('\n', rows.Select(r => Invariant($"{r.Temp:R},{r.Wind:R}"))) + "\n");
        var (model, setup) = ModelFolders.Train(_folder, Job("series", $$"""
            { "kind": "series", "path": {{Quote(data)}}, "features": ["temp", "wind"], "target_columns": ["temp"], "target": "values",
              "window": 5, "horizon": 2, "normalize": "standard" }
            """, """[ { "type": "gru", "units": 6 }, { "type": "dense", "units": 2 } ]""", "mse"), "series-model");

        var run = await CliRun.Of("predict", model, data);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.OutLines;
        Assert.Equal("index,sequence,length,prediction_temp_1,prediction_temp_2,target_temp_1,target_temp_2", lines[0]);
        Assert.Equal(1 + 40 - 5 + 1, lines.Length);
        var first = lines[1].Split(',');
        Assert.Equal(["0", "2", "5"], first[..3]); // the window's first row is CSV line 2
        var sequences = setup.Sequences!;
        var scaled = rows[..5].SelectMany(r => new[] { (float)sequences.FeatureNormalizer!.Transform(0, r.Temp), (float)sequences.FeatureNormalizer.Transform(1, r.Wind) }).ToArray();
        var expected = ForwardAlone(model, setup, scaled, [], 5);
        Assert.Equal(sequences.TargetNormalizer!.Inverse(0, expected[0]), Parse(first[3]), 4);
        Assert.Equal(sequences.TargetNormalizer.Inverse(0, expected[1]), Parse(first[4]), 4);
        Assert.Equal(rows[5].Temp, Parse(first[5]), 12);
        Assert.Equal(rows[6].Temp, Parse(first[6]), 12);
        Assert.Equal(["", ""], lines[^1].Split(',')[5..]);
    }

    [Fact]
    public async Task ADifferencedSeriesPredictsTheLastValuePlusThePredictedChange()
    {
        var levels = Enumerable.Range(0, 30).Select(i => 300 + 0.5 * i + Math.Sin(i)).ToArray();
        var data = _folder.WriteText("co2.csv", "co2\n" + string.Join('\n', levels.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "\n");
        var (model, setup) = ModelFolders.Train(_folder, Job("diff", $$"""
            { "kind": "series", "path": {{Quote(data)}}, "features": ["co2"], "target_columns": ["co2"], "target": "values",
              "window": 4, "difference": true, "normalize": "standard" }
            """, """[ { "type": "gru", "units": 6 }, { "type": "dense", "units": 1 } ]""", "mse"), "diff-model");

        var run = await CliRun.Of("predict", model, data);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.OutLines;
        Assert.Equal("index,sequence,length,prediction_co2,target_co2", lines[0]);
        Assert.Equal(1 + 30 - 4, lines.Length); // the first window starts at row 1: its first change needs row 0
        var first = lines[1].Split(',');
        Assert.Equal("3", first[1]);
        var sequences = setup.Sequences!;
        var changes = Enumerable.Range(1, 4).Select(r => (float)sequences.FeatureNormalizer!.Transform(0, levels[r] - levels[r - 1])).ToArray();
        var expected = ForwardAlone(model, setup, changes, [], 4);
        Assert.Equal(levels[4] + sequences.TargetNormalizer!.Inverse(0, expected[0]), Parse(first[3]), 4);
        Assert.Equal(levels[5], Parse(first[4]), 12);
    }

    [Fact]
    public async Task TextColumnWordsGetNamedClassesThroughTheSavedVocabulary()
    {
        var words = new[] { ("haus", "de"), ("house", "en"), ("maison", "fr"), ("baum", "de"), ("tree", "en"), ("arbre", "fr"),
            ("katze", "de"), ("cat", "en"), ("chat", "fr"), ("hund", "de"), ("dog", "en"), ("chien", "fr") };
        var train = _folder.WriteText("words.csv", "word,language\n" + string.Join('\n', words.Select(w => $"{w.Item1},{w.Item2}")) + "\n");
        var (model, setup) = ModelFolders.Train(_folder, Job("words", $$"""
            { "kind": "text_column", "path": {{Quote(train)}}, "text": "word", "target_column": "language", "test_fraction": 0.25 }
            """, """[ { "type": "embedding", "units": 4 }, { "type": "gru", "units": 8 }, { "type": "dense", "units": "classes" } ]""",
            "sparse_categorical_crossentropy"), "words-model");
        var data = _folder.WriteText("new-words.csv", "word\nhaus\nzebra\n");

        var run = await CliRun.Of("predict", model, data, "--format", "jsonl");

        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = run.OutLines.Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(["haus", "zebra"], rows.Select(r => (string)r["sequence"]!));
        Assert.Equal([4, 5], rows.Select(r => (int)r["length"]!));
        var names = setup.Sequences!.ClassNames!;
        var vocabulary = setup.Sequences.Vocabulary!;
        for (var i = 0; i < 2; i++)
        {
            var tokens = vocabulary.Encode((string)rows[i]["sequence"]!);
            var expected = ForwardAlone(model, setup, [], tokens, tokens.Length);
            AssertClose(expected, Numbers(rows[i]["logits"]!));
            Assert.Equal(names, rows[i]["probabilities"]!.AsObject().Select(p => p.Key));
            Assert.Equal(names[Array.IndexOf(expected, expected.Max())], (string)rows[i]["predicted"]!);
        }
    }

    private (string Folder, TrainingSetup Setup) TrainTable()
    {
        var text = new StringBuilder("id,t,a,b,activity\n");
        var random = new Random(3);
        string[] activities = ["walk", "run", "sit"];
        for (var s = 0; s < 18; s++)
            for (var step = 0; step < 2 + s % 4; step++)
                text.Append(Invariant($"q{s},{step},{random.NextDouble() * 2 - 1:R},{random.NextDouble() * 3:R},{activities[(s + 1) % 3]}\n"));
        var data = _folder.WriteText("table.csv", text.ToString());
        return ModelFolders.Train(_folder, Job("table", $$"""
            { "kind": "table", "path": {{Quote(data)}}, "sequence": "id", "order": "t", "features": ["a", "b"], "target_column": "activity",
              "target": "class", "normalize": "standard", "test_fraction": 0.2 }
            """, """[ { "type": "lstm", "units": 8 }, { "type": "dense", "units": "classes" } ]""", "sparse_categorical_crossentropy"), "table-model");
    }

    private static JsonObject Job(string name, string data, string layers, string loss) => JsonNode.Parse($$"""
        { "name": "{{name}}", "seed": 5, "data": {{data}}, "model": { "layers": {{layers}} }, "loss": "{{loss}}",
          "optimizer": { "type": "adam", "lr": 0.01 }, "training": { "steps": 2, "batch_size": 4 }, "backend": "cpu" }
        """)!.AsObject();

    /// <summary>The model's output for one sample run alone over its own <paramref name="steps"/> (batch 1, no padding).</summary>
    private static float[] ForwardAlone(string folder, TrainingSetup setup, float[] features, int[] tokens, int steps)
    {
        using var compute = new CpuCompute(1);
        var model = setup.CreateModel(compute);
        var parameters = ModelFile.ReadParameters(Path.Combine(folder, "model.safetensors"), model.Layout);
        return model.Forward(parameters, features, tokens, steps, 1, null, false, 0).ToArray();
    }

    private string WriteNpz(string name, params (string Name, Array Values, long[] Shape)[] arrays)
    {
        var path = _folder.File(name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (member, values, shape) in arrays)
        {
            using var stream = zip.CreateEntry(member + ".npy").Open();
            if (values is float[] floats) NpyWriter.Write(stream, NpyDtype.Float32, MemoryMarshal.AsBytes(floats.AsSpan()), shape);
            else NpyWriter.Write(stream, NpyDtype.Int64, MemoryMarshal.AsBytes(((long[])values).AsSpan()), shape);
        }
        return path;
    }

    private static float[] Floats(Random random, int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private static float[] Softmax(float[] logits)
    {
        var max = logits.Max();
        var e = logits.Select(v => Math.Exp(v - max)).ToArray();
        return e.Select(v => (float)(v / e.Sum())).ToArray();
    }

    private static float[] Numbers(JsonNode array) => array.AsArray().Select(v => (float)(double)v!).ToArray();

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= Tolerance, $"largest difference {worst}");
    }

    private static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string path) => JsonValue.Create(path).ToJsonString();
}
