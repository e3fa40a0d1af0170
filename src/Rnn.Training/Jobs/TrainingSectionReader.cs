using System.Globalization;

namespace Rnn.Training.Jobs;

/// <summary>Reads and checks the <c>training</c> section.</summary>
internal static class TrainingSectionReader
{
    private const string Epochs = "epochs", Steps = "steps", BatchSize = "batch_size", Shards = "shards", Mode = "mode",
        CheckpointEvery = "checkpoint_every", NanPolicy = "nan_policy", EvalEvery = "eval_every", EarlyStopping = "early_stopping";

    private const string Monitor = "monitor", Patience = "patience", MinDelta = "min_delta";

    private static readonly string[] Keys = [Epochs, Steps, BatchSize, Shards, Mode, CheckpointEvery, NanPolicy, EvalEvery, EarlyStopping];
    private static readonly string[] EarlyStoppingKeys = [Monitor, Patience, MinDelta];

    /// <summary>The training settings, or null when the section has any error.</summary>
    public static TrainingSpec? Read(JsonObjectReader root)
    {
        var training = root.Object("training", required: true);
        if (training is null) return null;

        var errorsBefore = training.Errors.Count;
        var epochs = training.Int(Epochs, 1, int.MaxValue, required: false);
        var steps = training.Int(Steps, 1, int.MaxValue, required: false);
        CheckRunLength(training, epochs, steps);

        var batchSize = training.Int(BatchSize, 1, int.MaxValue, required: true);
        var shards = training.Has(Shards) ? training.Int(Shards, 1, TrainingSpec.MaxShards, required: false) : TrainingSpec.DefaultShards;
        if (batchSize is not null && shards is not null && batchSize % shards != 0)
        {
            training.Errors.Add(training.FieldPath(BatchSize), DivisibilityMessage(batchSize.Value, shards.Value));
        }

        var mode = training.Has(Mode) ? ReadMode(training) : TrainingModes.Sync;
        var checkpointEvery = training.Int(CheckpointEvery, 1, int.MaxValue, required: false) ?? TrainingSpec.DefaultCheckpointEvery;
        var nanPolicy = training.Choice(NanPolicy, NanPolicies.All, "nan policy", required: false) ?? NanPolicies.SkipStep;
        var evalEvery = training.Int(EvalEvery, 1, int.MaxValue, required: false);
        var earlyStopping = ReadEarlyStopping(training);
        training.ReportUnreadKeys(Keys, "training", []);

        if (training.Errors.Count != errorsBefore || batchSize is null || shards is null || mode is null) return null;
        return new TrainingSpec
        {
            Epochs = epochs,
            Steps = steps,
            BatchSize = batchSize.Value,
            Shards = shards.Value,
            Mode = mode,
            CheckpointEvery = checkpointEvery,
            NanPolicy = nanPolicy,
            EvalEvery = evalEvery,
            EarlyStopping = earlyStopping,
        };
    }

    // Whether the monitor fits the data (a validation split, the loss) is checked across sections by the parser.
    private static EarlyStoppingSpec? ReadEarlyStopping(JsonObjectReader training)
    {
        if (!training.Has(EarlyStopping)) return null;
        var section = training.Object(EarlyStopping, required: false);
        if (section is null) return null;
        var errorsBefore = section.Errors.Count;
        string? monitor = EarlyStoppingMonitors.ValLoss;
        if (section.Has(Monitor))
        {
            monitor = section.String(Monitor, required: false);
            if (monitor is not null && !EarlyStoppingMonitors.All.Contains(monitor))
            {
                var test = EarlyStoppingMonitors.All.Contains(EarlyStoppingMonitors.ValidationPrefix + monitor)
                    ? $"; '{monitor}' is a test-split metric, and stopping on the test split would tune the model to it: " +
                      $"monitor the validation split's \"{EarlyStoppingMonitors.ValidationPrefix + monitor}\""
                    : NameSuggester.Hint(monitor, EarlyStoppingMonitors.All);
                section.Errors.Add(section.FieldPath(Monitor),
                    $"unknown monitor '{monitor}'; use one of {string.Join(", ", EarlyStoppingMonitors.All)}{test}");
                monitor = null;
            }
        }
        var patience = section.Int(Patience, 1, int.MaxValue, required: true);
        var minDelta = section.Double(MinDelta, v => v >= 0 && double.IsFinite(v), "a number >= 0", required: false) ?? 0;
        section.ReportUnreadKeys(EarlyStoppingKeys, "training.early_stopping", []);
        if (section.Errors.Count != errorsBefore || monitor is null || patience is null) return null;
        return new EarlyStoppingSpec { Monitor = monitor, Patience = patience.Value, MinDelta = minDelta };
    }

    // Exactly one of epochs and steps: with both, which one ends the run would be a guess.
    private static void CheckRunLength(JsonObjectReader training, int? epochs, int? steps)
    {
        if (training.Has(Epochs) && training.Has(Steps))
        {
            var shownEpochs = epochs?.ToString(CultureInfo.InvariantCulture) ?? "(invalid)";
            var shownSteps = steps?.ToString(CultureInfo.InvariantCulture) ?? "(invalid)";
            training.Errors.Add(training.Path,
                $"both \"epochs\" ({shownEpochs}) and \"steps\" ({shownSteps}) are set; keep only one of them");
        }
        else if (!training.Has(Epochs) && !training.Has(Steps))
        {
            training.Errors.Add(training.Path, "sets neither \"epochs\" nor \"steps\"; add one of them, e.g. \"epochs\": 5");
        }
    }

    private static string DivisibilityMessage(int batchSize, int shards)
    {
        // Offer the nearest valid values on both sides, so the fix is a copy-paste.
        var lower = batchSize / shards * shards;
        var batchHint = lower > 0 ? $"{lower} or {lower + shards}" : $"{shards}";
        var divisors = Enumerable.Range(1, Math.Min(batchSize, 64)).Where(d => batchSize % d == 0 && d != 1).ToList();
        var shardsHint = divisors.Count > 0
            ? $" or a shards count that divides {batchSize} (e.g. {string.Join(", ", divisors.OrderBy(d => Math.Abs(d - shards)).Take(2).Order())})"
            : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"batch_size {batchSize} is not divisible by shards {shards} (each shard computes batch_size / shards samples); " +
            $"use a batch_size that is a multiple of {shards} (e.g. {batchHint}){shardsHint}");
    }

    private static string? ReadMode(JsonObjectReader training)
    {
        var text = training.String(Mode, required: false);
        if (text is null) return null;
        if (text is TrainingModes.Sync) return text;
        // Asynchronous modes are not built (docs/design.md): refuse them here rather than parse a path nothing runs.
        var what = text is "async" || text.StartsWith("ssp:", StringComparison.Ordinal)
            ? $"training mode '{text}' is not supported"
            : $"unknown training mode '{text}'";
        training.Errors.Add(training.FieldPath(Mode),
            $"{what}; the only mode is \"sync\" (every step waits for all shards, so results are deterministic) — " +
            $"remove \"mode\" or set it to \"sync\"{NameSuggester.Hint(text, TrainingModes.All)}");
        return null;
    }
}
