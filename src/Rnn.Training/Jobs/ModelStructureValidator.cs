using System.Globalization;

namespace Rnn.Training.Jobs;

/// <summary>
/// The rules about layer order and the output head that make a model buildable for its data and loss. The model
/// shape the trainer builds is: [embedding] → recurrent stack → dense head, with dropout between any two layers.
/// Every error names the layer index it is about.
/// </summary>
internal static class ModelStructureValidator
{
    private const int MnistClasses = 10;

    /// <param name="layers">All layers, with known types (the caller skips this check when a type is unknown).</param>
    /// <param name="dataKind">Null when data.kind is missing or wrong; kind-specific rules are then skipped.</param>
    /// <param name="horizon">csv's horizon, or null when unknown.</param>
    /// <param name="loss">Null when the loss is missing or wrong.</param>
    public static void Validate(IReadOnlyList<LayerDraft> layers, string? dataKind, int? horizon, string? loss, JobErrorCollector errors)
    {
        if (layers.Count == 0)
        {
            errors.Add("model.layers", "is empty; add at least one recurrent layer and a dense output layer");
            return;
        }

        CheckEmbedding(layers, dataKind, errors);
        CheckDropoutNotFirst(layers, errors);
        CheckBidirectionalFitsData(layers, dataKind, errors);
        var lastRecurrent = CheckRecurrentStack(layers, dataKind, errors);
        CheckDenseHead(layers, lastRecurrent, dataKind, horizon, loss, errors);
    }

    private static void CheckEmbedding(IReadOnlyList<LayerDraft> layers, string? dataKind, JobErrorCollector errors)
    {
        foreach (var layer in layers.Where(l => l.Type == LayerTypes.Embedding))
        {
            if (dataKind is not null and not DataKinds.Text)
            {
                errors.Add(layer.FieldPath("type"),
                    $"an embedding layer turns character ids into vectors and needs text data, but data.kind is '{dataKind}'; remove this layer");
            }
            else if (layer.Index != 0)
            {
                errors.Add(layer.FieldPath("type"), "an embedding layer must be the first layer; move it to model.layers[0]");
            }
        }

        if (dataKind == DataKinds.Text && layers[0].Type != LayerTypes.Embedding)
        {
            errors.Add(layers[0].FieldPath("type"),
                $"a text model must start with an embedding layer (character ids are not vectors), got '{layers[0].Type}'; " +
                "insert { \"type\": \"embedding\", \"units\": 64 } as model.layers[0]");
        }
    }

    private static void CheckDropoutNotFirst(IReadOnlyList<LayerDraft> layers, JobErrorCollector errors)
    {
        if (layers[0].Type == LayerTypes.Dropout)
        {
            errors.Add(layers[0].FieldPath("type"),
                "dropout cannot be the first layer (it would drop raw inputs); move it after a recurrent or embedding layer");
        }
    }

    /// <summary>True for data whose streams carry their hidden state from one window to the next (text).</summary>
    private static bool CarriesStateAcrossWindows(string? dataKind) => dataKind == DataKinds.Text;

    private static void CheckBidirectionalFitsData(IReadOnlyList<LayerDraft> layers, string? dataKind, JobErrorCollector errors)
    {
        if (!CarriesStateAcrossWindows(dataKind)) return;
        foreach (var layer in layers.Where(l => l.Bidirectional == true))
        {
            errors.Add(layer.FieldPath("bidirectional"),
                $"{dataKind} data carries each stream's hidden state from one window to the next, and a reverse pass " +
                "cannot carry state forward in time; remove \"bidirectional\" (or set it to false)");
        }
    }

    /// <summary>Checks return_sequences along the recurrent stack; returns the last recurrent layer's index, or -1.</summary>
    private static int CheckRecurrentStack(IReadOnlyList<LayerDraft> layers, string? dataKind, JobErrorCollector errors)
    {
        var recurrent = layers.Where(l => l.IsRecurrent).ToList();
        if (recurrent.Count == 0)
        {
            errors.Add("model.layers", "has no recurrent layer; add a simple_rnn, lstm or gru layer before the dense output layer");
            return -1;
        }

        // A recurrent layer feeding another (through dropout at most) must hand it the whole sequence.
        for (var i = 0; i + 1 < recurrent.Count; i++)
        {
            var (feeder, next) = (recurrent[i], recurrent[i + 1]);
            if (feeder.ReturnSequences == false)
            {
                errors.Add(feeder.FieldPath("return_sequences"),
                    $"layer {feeder.Index} ({feeder.Type}) feeds recurrent layer {next.Index} ({next.Type}), which needs a sequence; " +
                    $"set \"return_sequences\": true on layer {feeder.Index}");
            }
        }

        var last = recurrent[^1];
        if (dataKind is DataKinds.MnistRows or DataKinds.Csv && last.ReturnSequences == true)
        {
            errors.Add(last.FieldPath("return_sequences"),
                $"with {dataKind} data the model makes one prediction per sequence, so the last recurrent layer (layer {last.Index}) " +
                "must return only its final output; remove \"return_sequences\" or set it to false");
        }
        else if (dataKind == DataKinds.Text && last.ReturnSequences == false)
        {
            errors.Add(last.FieldPath("return_sequences"),
                $"a text model predicts the next character at every step, so the last recurrent layer (layer {last.Index}) " +
                "must return its whole sequence; set \"return_sequences\": true");
        }
        return last.Index;
    }

    private static void CheckDenseHead(IReadOnlyList<LayerDraft> layers, int lastRecurrent, string? dataKind, int? horizon,
        string? loss, JobErrorCollector errors)
    {
        foreach (var dense in layers.Where(l => l.Type == LayerTypes.Dense && l.Index < lastRecurrent))
        {
            errors.Add(dense.FieldPath("type"),
                $"dense layer {dense.Index} comes before recurrent layer {lastRecurrent}; dense layers form the output head " +
                "and must come after the last recurrent layer");
        }

        var output = layers[^1];
        if (output.Type != LayerTypes.Dense)
        {
            errors.Add(output.FieldPath("type"),
                $"the last layer must be dense (the output head), got '{output.Type}'; " +
                "add { \"type\": \"dense\", \"units\": N } at the end of model.layers");
            return;
        }

        foreach (var dense in layers.Where(l => l.Type == LayerTypes.Dense && l.Index != output.Index && l.Activation == ActivationNames.Softmax))
        {
            errors.Add(dense.FieldPath("activation"),
                $"softmax is only for the output layer (layer {output.Index}); use \"linear\" on layer {dense.Index}");
        }

        if (loss == LossNames.Mse && output.Activation == ActivationNames.Softmax)
        {
            errors.Add(output.FieldPath("activation"), "a softmax output does not fit mse regression; set \"activation\": \"linear\"");
        }

        CheckOutputUnits(output, dataKind, horizon, errors);
    }

    private static void CheckOutputUnits(LayerDraft output, string? dataKind, int? horizon, JobErrorCollector errors)
    {
        var field = output.FieldPath("units");
        var found = output.UnitsFromVocabulary
            ? $"\"{ModelSectionReader.VocabularyUnits}\""
            : output.Units?.ToString(CultureInfo.InvariantCulture);
        if (found is null) return; // units missing or wrong: already reported

        switch (dataKind)
        {
            case DataKinds.MnistRows when output.Units != MnistClasses:
                errors.Add(field, $"mnist-rows has {MnistClasses} classes, so the output layer needs \"units\": {MnistClasses}; got {found}");
                break;
            case DataKinds.Text when !output.UnitsFromVocabulary:
                errors.Add(field,
                    $"the output layer of a text model scores every character, so it needs \"units\": \"{ModelSectionReader.VocabularyUnits}\" " +
                    $"(the vocabulary size, known once the text is read); got {found}");
                break;
            case DataKinds.Csv when horizon is not null && output.Units != horizon:
                errors.Add(field,
                    $"the output layer predicts data.horizon = {horizon} value(s), so it needs \"units\": {horizon}; got {found}");
                break;
        }
    }
}
