using Rnn.Kernels.Tensors;

namespace Rnn.Training.Data.Sequences;

/// <summary>
/// Which sequences of one source train, validate and test, as ascending indices into the source. By fraction:
/// either shuffled with the job's seed, or in file order (train first, test last: chronological data, or "the last
/// 20% of the rows"). Counts round down: a fraction f of N gives floor(f·N) sequences.
/// </summary>
public sealed class DataSplit
{
    /// <summary>Sub-stream of the job's seed for the split (distinct from the partitions' stream).</summary>
    private const long SplitStream = 0x5350_4C54; // "SPLT"

    private DataSplit(int[] train, int[] validation, int[] test)
    {
        Train = train;
        Validation = validation;
        Test = test;
    }

    public int[] Train { get; }

    public int[] Validation { get; }

    public int[] Test { get; }

    /// <summary>A split computed elsewhere (chronological windows); each list ascending, no index in two lists.</summary>
    public static DataSplit Of(int[] train, int[] validation, int[] test) => new(train, validation, test);

    /// <summary>The whole source is one split's data (separate files per split): every index trains.</summary>
    public static DataSplit Whole(int count) => new(Enumerable.Range(0, count).ToArray(), [], []);

    /// <param name="count">Sequences in the source.</param>
    /// <param name="validationFraction">In [0, 1).</param>
    /// <param name="testFraction">In [0, 1); with the validation fraction below 1.</param>
    /// <param name="shuffle">Draw the held-out sequences with the seed (true) or take them from the end (false).</param>
    /// <param name="seed">The job's seed (ignored when not shuffling).</param>
    /// <param name="source">The data's file, for messages.</param>
    public static DataSplit ByFraction(int count, double validationFraction, double testFraction, bool shuffle, ulong seed, string source)
    {
        if (!(validationFraction >= 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "must be in [0, 1)");
        if (!(testFraction >= 0 && testFraction < 1 && validationFraction + testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction,
                "must be in [0, 1), and validation + test must stay below 1");
        var testCount = (int)Math.Floor(count * testFraction);
        var validationCount = (int)Math.Floor(count * validationFraction);
        var trainCount = count - testCount - validationCount;
        if (testFraction > 0 && testCount == 0)
            throw new DataFormatException(source,
                $"test fraction {testFraction} of {count} sequences is no sequence; use more data or a larger fraction");
        if (validationFraction > 0 && validationCount == 0)
            throw new DataFormatException(source,
                $"validation fraction {validationFraction} of {count} sequences is no sequence; use more data or a larger fraction");
        if (trainCount < 1)
            throw new DataFormatException(source, $"has {count} sequence(s): none is left for training after the held-out splits");

        var order = shuffle
            ? DeterministicRandom.Derive(seed, SplitStream).Permutation(count)
            : Enumerable.Range(0, count).ToArray();
        // Shuffled, the held-out parts come first in the permutation; in file order, they are the tail (test last).
        int[] Take(int start, int length)
        {
            var part = order.AsSpan(start, length).ToArray();
            Array.Sort(part);
            return part;
        }
        return shuffle
            ? new DataSplit(Take(testCount + validationCount, trainCount), Take(testCount, validationCount), Take(0, testCount))
            : new DataSplit(Take(0, trainCount), Take(trainCount, validationCount), Take(trainCount + validationCount, testCount));
    }

    /// <summary>Cuts <paramref name="data"/> (the whole source) into its splits; class lists are fitted on training.</summary>
    public SplitDatasets Apply(SequenceDataset data) =>
        SplitDatasets.FromTraining(data.Subset(Train),
            Validation.Length > 0 ? data.Subset(Validation) : null,
            Test.Length > 0 ? data.Subset(Test) : null);
}
