using Rnn.Training.Data;
using Rnn.Training.Data.Sequences;

namespace Rnn.Training.Tests.Data;

public sealed class SequenceSplitTests
{
    /// <summary>Sequence i has i % 3 + 1 steps of one feature (10 i + t) and class name names[i].</summary>
    private static SequenceDataset Named(params string[] names)
    {
        var sorted = ClassNameOrder.Sort(names);
        var offsets = new int[names.Length + 1];
        var features = new List<float>();
        for (var i = 0; i < names.Length; i++)
        {
            offsets[i + 1] = offsets[i] + i % 3 + 1;
            for (var t = 0; t < i % 3 + 1; t++) features.Add(10 * i + t);
        }
        return new SequenceDataset("/data/s.csv", "line", offsets, [.. features], 1, [], SequenceTargetKind.ClassPerSequence, 1,
            names.Select(n => Array.IndexOf(sorted, n)).ToArray(), [], sorted, Enumerable.Range(2, names.Length).ToArray());
    }

    [Fact]
    public void Ordered_split_keeps_file_order_with_test_last()
    {
        var split = DataSplit.ByFraction(10, 0.1, 0.2, shuffle: false, seed: 7, "/data/s.csv");
        Assert.Equal(Enumerable.Range(0, 7), split.Train);
        Assert.Equal([7], split.Validation);
        Assert.Equal([8, 9], split.Test);
    }

    [Fact]
    public void Shuffled_split_is_fixed_by_the_seed_and_covers_every_sequence_once()
    {
        var a = DataSplit.ByFraction(20, 0.25, 0.25, shuffle: true, seed: 7, "/data/s.csv");
        var b = DataSplit.ByFraction(20, 0.25, 0.25, shuffle: true, seed: 7, "/data/s.csv");
        var c = DataSplit.ByFraction(20, 0.25, 0.25, shuffle: true, seed: 8, "/data/s.csv");

        Assert.Equal(a.Test, b.Test);
        Assert.NotEqual(a.Test, c.Test);
        Assert.Equal((10, 5, 5), (a.Train.Length, a.Validation.Length, a.Test.Length));
        Assert.Equal(Enumerable.Range(0, 20), a.Train.Concat(a.Validation).Concat(a.Test).Order());
        Assert.Equal([4, 5, 6, 7, 14], a.Test);
    }

    [Fact]
    public void A_fraction_that_rounds_to_no_sequence_is_an_error()
    {
        var error = Assert.Throws<DataFormatException>(() => DataSplit.ByFraction(4, 0, 0.2, shuffle: false, seed: 1, "/data/s.csv"));
        Assert.Equal("/data/s.csv: test fraction 0.2 of 4 sequences is no sequence; use more data or a larger fraction", error.Message);
    }

    [Fact]
    public void Shards_partition_the_training_split_disjointly_and_reproducibly()
    {
        var train = Enumerable.Range(0, 50).Select(i => 2 * i).ToArray();
        var parts = Enumerable.Range(0, 4).Select(k => ShardPartitioner.Partition(train, 4, k, 7, "/data/x.npy")).ToArray();

        Assert.Equal([12, 13, 12, 13], parts.Select(p => p.Positions.Length));
        Assert.Equal(train, parts.SelectMany(p => p.Positions).Order());
        Assert.All(parts, p => Assert.Equal(p.Positions.Order(), p.Positions));
        Assert.Equal(parts[2].Positions, ShardPartitioner.Partition(train, 4, 2, 7, "/data/x.npy").Positions);
        Assert.NotEqual(parts[2].Positions, ShardPartitioner.Partition(train, 4, 2, 8, "/data/x.npy").Positions);
        Assert.Equal([0, 4, 12, 20, 22, 30, 36, 76, 84, 86, 94, 96], parts[0].Positions);
    }

    [Fact]
    public void More_shards_than_sequences_names_the_empty_shard()
    {
        var error = Assert.Throws<DataFormatException>(() => ShardPartitioner.Partition([0, 1, 2], 4, 3, 7, "/data/x.npy"));
        Assert.Equal("/data/x.npy: the training split has 3 sequence(s), fewer than the 4 shards, so shard 3 would own no data; " +
            "use at most 3 shard(s) or more data", error.Message);
    }

    [Fact]
    public void Class_names_are_fitted_on_training_and_held_out_data_is_remapped_by_name()
    {
        var data = Named("fr", "en", "de", "en", "fr", "de");
        var split = DataSplit.Of([1, 2, 3, 4], [], [0, 5]).Apply(data);

        Assert.Equal(["de", "en", "fr"], split.Train.ClassNames);
        Assert.Equal([1, 0, 1, 2], Enumerable.Range(0, 4).Select(split.Train.ClassOf));
        Assert.Equal([2, 0], Enumerable.Range(0, 2).Select(split.Test!.ClassOf));
        Assert.Equal([50f, 51, 52], split.Test.FeaturesOf(1).ToArray());
        Assert.Equal("line 7", split.Test.Describe(1));
    }

    [Fact]
    public void A_test_class_training_never_saw_is_an_error_naming_the_sequence()
    {
        var data = Named("en", "en", "de", "en", "sv");
        var error = Assert.Throws<DataFormatException>(() => DataSplit.Of([0, 1, 2], [3], [4]).Apply(data));
        Assert.Equal("/data/s.csv: line 6: class 'sv' of the test split never occurs in the training split, so the model cannot " +
            "learn it; move such sequences into training or drop them", error.Message);
    }

    [Fact]
    public void Integer_class_names_sort_numerically()
    {
        Assert.Equal(["-1", "2", "10"], ClassNameOrder.Sort(["10", "2", "-1", "2"]));
        Assert.Equal(["B", "a", "b"], ClassNameOrder.Sort(["b", "a", "B"]));
    }

    [Fact]
    public void Normalizer_scales_with_training_statistics_and_round_trips_through_json()
    {
        float[] train = [1, 10, 3, 30, 5, 5];
        var normalizer = FeatureNormalizer.Fit(train, 2);

        Assert.Equal([3.0, 15.0], normalizer.Mean);
        Assert.Equal(Math.Sqrt(8.0 / 3), normalizer.Std[0], 12);
        float[] rows = [3, 15, 5, 15 + 2 * (float)normalizer.Std[1]];
        normalizer.Apply(rows);
        Assert.Equal([0f, 0f, (float)(2 / normalizer.Std[0])], rows[..3]);
        Assert.Equal(2f, rows[3], 5);

        var restored = FeatureNormalizer.FromJson(normalizer.ToJson(), "model/normalizer.json");
        Assert.Equal(normalizer.Mean, restored.Mean);
        Assert.Equal(normalizer.Std, restored.Std);
        restored.Inverse(rows);
        Assert.Equal(5f, rows[2], 5);
        Assert.Equal(315.5, restored.Inverse(0, restored.Transform(0, 315.5)), 10);
    }

    [Fact]
    public void A_constant_column_gets_std_one_and_a_bad_saved_normalizer_is_named()
    {
        var normalizer = FeatureNormalizer.Fit([4f, 4f, 4f], 1);
        Assert.Equal(1.0, normalizer.Std[0]);
        var error = Assert.Throws<DataFormatException>(() => FeatureNormalizer.FromJson("""{"mean":[1,2],"std":[1]}""", "model/n.json"));
        Assert.Equal("model/n.json: a saved normaliser needs 'mean' and 'std' arrays of the same, non-zero length", error.Message);
    }

    [Fact]
    public void Normalizing_a_dataset_changes_features_in_place()
    {
        var data = Named("a", "b", "a");
        var normalizer = FeatureNormalizer.FitFeatures(data);
        normalizer.ApplyToFeatures(data);
        // Steps: 0 | 10 11 | 20 21 22: mean 14.
        Assert.Equal(14.0, normalizer.Mean[0], 12);
        Assert.Equal((float)(-14 / normalizer.Std[0]), data.FeaturesOf(0)[0]);
    }

    [Fact]
    public void Separate_files_are_matched_to_training_classes_by_name()
    {
        var train = Named("sv", "en", "de");
        var test = Named("en", "sv");

        var split = SplitDatasets.FromTraining(train, null, test);

        Assert.Equal(["de", "en", "sv"], split.Test!.ClassNames);
        Assert.Equal([1, 2], Enumerable.Range(0, 2).Select(split.Test.ClassOf));
    }

    [Fact]
    public void Regression_targets_normalise_and_invert_to_original_units()
    {
        var data = new SequenceDataset("/data/y.npy", "sample", [0, 1, 2, 3], [1f, 2, 3], 1, [], SequenceTargetKind.ValuesPerSequence, 1,
            [], [350f, 360, 370], null, [0, 1, 2]);
        var targets = FeatureNormalizer.FitTargets(data);
        targets.ApplyToTargets(data);

        Assert.Equal(360.0, targets.Mean[0], 10);
        Assert.Equal((float)(-10 / Math.Sqrt(200.0 / 3)), data.ValuesOf(0)[0]);
        // An RMSE of a in scaled units is a · std in the data's units.
        Assert.Equal(0.5 * targets.Std[0], targets.Inverse(0, 0.5) - targets.Inverse(0, 0), 10);
    }
}
