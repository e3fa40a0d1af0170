namespace Rnn.Training.Data.Sequences;

/// <summary>
/// A job's training, validation and test data. Made through <see cref="FromTraining"/>, which fixes the class list
/// from the training split alone and refuses held-out data with a class training never saw.
/// </summary>
public sealed record SplitDatasets(SequenceDataset Train, SequenceDataset? Validation, SequenceDataset? Test)
{
    /// <summary>
    /// String classes: the classes that occur in <paramref name="train"/> become
    /// 0..C-1 in all three sets, in <see cref="ClassNameOrder"/> (matched by name, so the sets may come from separate files). Integer classes keep
    /// their values. Either way a validation or test class absent from training is an error naming the sequence.
    /// </summary>
    public static SplitDatasets FromTraining(SequenceDataset train, SequenceDataset? validation, SequenceDataset? test)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (!train.TargetKind.IsClass()) return new SplitDatasets(train, validation, test);

        var trainClasses = new HashSet<int>();
        foreach (var c in train.AllClasses) trainClasses.Add(c);
        if (train.ClassNames is null)
        {
            CheckSeen(validation, "validation", c => trainClasses.Contains(c) ? c : -1, c => c.ToString());
            CheckSeen(test, "test", c => trainClasses.Contains(c) ? c : -1, c => c.ToString());
            return new SplitDatasets(train, validation, test);
        }

        var names = ClassNameOrder.Sort(trainClasses.Select(c => train.ClassNames[c]));
        var newIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++) newIndex[names[i]] = i;
        return new SplitDatasets(Remap(train, "training", names, newIndex)!, Remap(validation, "validation", names, newIndex),
            Remap(test, "test", names, newIndex));
    }

    private static SequenceDataset? Remap(SequenceDataset? data, string split, string[] names, Dictionary<string, int> newIndex)
    {
        if (data is null) return null;
        if (data.ClassNames is null)
            throw new ArgumentException($"the {split} data has integer classes while training has named classes", nameof(data));
        var map = new int[data.ClassNames.Count];
        for (var c = 0; c < map.Length; c++) map[c] = newIndex.GetValueOrDefault(data.ClassNames[c], -1);
        CheckSeen(data, split, c => map[c], c => $"'{data.ClassNames[c]}'");
        return data.Subset(Enumerable.Range(0, data.Count).ToArray(), names, map);
    }

    private static void CheckSeen(SequenceDataset? data, string split, Func<int, int> map, Func<int, string> name)
    {
        if (data is null) return;
        var perStep = data.TargetKind.IsPerStep();
        for (var i = 0; i < data.Count; i++)
        {
            var classes = perStep ? data.StepClassesOf(i) : data.AllClasses.Slice(i, 1);
            foreach (var c in classes)
                if (map(c) < 0)
                    throw new DataFormatException(data.Source,
                        $"{data.Describe(i)}: class {name(c)} of the {split} split never occurs in the training split, " +
                        "so the model cannot learn it; move such sequences into training or drop them");
        }
    }
}
