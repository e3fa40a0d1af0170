using System.Text.Json;
using Rnn.Kernels.Layers;

namespace Rnn.Training.Jobs;

/// <summary>Reads the <c>model</c> section layer by layer; the order rules live in <see cref="ModelStructureValidator"/>.</summary>
internal static class ModelSectionReader
{
    /// <summary>The word a text model's dense layer may give as units: the vocabulary size, known once the text is read.</summary>
    public const string VocabularyUnits = "vocab";

    private const string Type = "type", Units = "units", ReturnSequences = "return_sequences", Activation = "activation",
        Rate = "rate", Bidirectional = "bidirectional", MergeMode = "merge_mode";

    private static readonly string[] AllKeys = [Type, Units, ReturnSequences, Activation, Rate, Bidirectional, MergeMode];
    private static readonly string[] RecurrentKeys = [Type, Units, ReturnSequences, Activation, Bidirectional, MergeMode];
    private static readonly string[] DenseKeys = [Type, Units, Activation];
    private static readonly string[] EmbeddingKeys = [Type, Units];
    private static readonly string[] DropoutKeys = [Type, Rate];

    /// <summary>
    /// The layers, one draft per entry (null where the layer's type is unknown), or null when there is no usable
    /// layer list at all. <paramref name="dataKind"/> (null if unknown) decides whether "units": "vocab" is allowed.
    /// </summary>
    public static IReadOnlyList<LayerDraft?>? Read(JsonObjectReader root, string? dataKind)
    {
        var model = root.Object("model", required: true);
        if (model is null) return null;

        var layers = model.Array("layers", required: true, expectation: "an array of layer objects");
        model.ReportUnreadKeys(["layers"], "model", []);
        if (layers is null) return null;

        var drafts = new List<LayerDraft?>();
        var index = 0;
        foreach (var element in layers.Value.EnumerateArray())
        {
            drafts.Add(ReadLayer(element, index, dataKind, model.Errors));
            index++;
        }
        return drafts;
    }

    private static LayerDraft? ReadLayer(JsonElement element, int index, string? dataKind, JobErrorCollector errors)
    {
        var layer = JsonObjectReader.Open(element, $"model.layers[{index}]", errors);
        if (layer is null) return null;

        var type = layer.Choice(Type, LayerTypes.All, "layer type", required: true);
        switch (type)
        {
            case LayerTypes.SimpleRnn or LayerTypes.Lstm or LayerTypes.Gru:
            {
                var units = layer.Int(Units, 1, LayerSpec.MaxUnits, required: true);
                var returnSequences = layer.Has(ReturnSequences) ? layer.Bool(ReturnSequences, required: false) : false;
                var activation = ReadRecurrentActivation(layer, type);
                var (bidirectional, merge) = ReadDirections(layer, index);
                layer.ReportUnreadKeys(RecurrentKeys, $"{type} layers", AllKeys);
                return new LayerDraft(index, type, units, false, returnSequences, activation, null, bidirectional, merge);
            }
            case LayerTypes.Dense:
            {
                var (units, fromVocabulary) = ReadDenseUnits(layer, dataKind);
                var activation = layer.Has(Activation)
                    ? layer.Choice(Activation, ActivationNames.Dense, "dense activation", required: false)
                    : ActivationNames.Linear;
                layer.ReportUnreadKeys(DenseKeys, "dense layers", AllKeys);
                return new LayerDraft(index, type, units, fromVocabulary, false, activation, null);
            }
            case LayerTypes.Embedding:
            {
                var units = layer.Int(Units, 1, LayerSpec.MaxUnits, required: true);
                layer.ReportUnreadKeys(EmbeddingKeys, "embedding layers", AllKeys);
                return new LayerDraft(index, type, units, false, false, null, null);
            }
            case LayerTypes.Dropout:
            {
                var rate = layer.Double(Rate, v => v >= 0 && v < 1, "a number in [0, 1)", required: true);
                layer.ReportUnreadKeys(DropoutKeys, "dropout layers", AllKeys);
                return new LayerDraft(index, type, null, false, false, null, rate);
            }
            default:
                // Unknown type: its keys cannot be judged, so only keys no layer type has are reported.
                foreach (var key in AllKeys) layer.TryTake(key, "", required: false, out _);
                layer.ReportUnreadKeys(AllKeys, "a layer", []);
                return null;
        }
    }

    // Recurrent cells here are PyTorch's: tanh only. The key is accepted so Keras-style files that spell it out work.
    private static string? ReadRecurrentActivation(JsonObjectReader layer, string type)
    {
        if (!layer.TryTake(Activation, "", required: false, out var value)) return ActivationNames.Tanh;
        var activation = JsonValueReader.ReadString(value, layer.FieldPath(Activation), layer.Errors);
        if (activation is null || activation == ActivationNames.Tanh) return activation;
        layer.Errors.Add(layer.FieldPath(Activation),
            $"{type} layers support only 'tanh', got '{activation}'; remove \"activation\" or set it to \"tanh\"");
        return null;
    }

    // merge_mode only means something for two directions: given alone it is a mistake (the user meant a
    // bidirectional layer, or left a key behind), not a setting to ignore.
    private static (bool? Bidirectional, BidirectionalMerge? Merge) ReadDirections(JsonObjectReader layer, int index)
    {
        var bidirectional = layer.Has(Bidirectional) ? layer.Bool(Bidirectional, required: false) : false;
        if (!layer.Has(MergeMode)) return (bidirectional, BidirectionalMerge.Concat);

        var name = layer.Choice(MergeMode, MergeModeNames.All, "merge mode", required: false);
        if (bidirectional == false)
        {
            layer.Errors.Add(layer.FieldPath(MergeMode),
                $"merge_mode joins the two directions of a bidirectional layer, but layer {index} runs forward only; " +
                "add \"bidirectional\": true or remove \"merge_mode\"");
            return (bidirectional, null);
        }
        return (bidirectional, name is null ? null : MergeModeNames.ToMerge(name));
    }

    private static (int? Units, bool FromVocabulary) ReadDenseUnits(JsonObjectReader layer, string? dataKind)
    {
        var expectation = $"an integer in 1..{LayerSpec.MaxUnits}, or \"{VocabularyUnits}\" on text data";
        if (!layer.TryTake(Units, expectation, required: true, out var value)) return (null, false);

        if (value.ValueKind != JsonValueKind.String || value.GetString() != VocabularyUnits)
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                layer.Errors.Add(layer.FieldPath(Units), $"expected {expectation}, got {JsonValueReader.Describe(value)}");
                return (null, false);
            }
            return (JsonValueReader.ReadInt(value, layer.FieldPath(Units), 1, LayerSpec.MaxUnits, layer.Errors), false);
        }

        if (dataKind is not null and not DataKinds.Text)
        {
            layer.Errors.Add(layer.FieldPath(Units),
                $"\"{VocabularyUnits}\" means the vocabulary size of text data, but data.kind is '{dataKind}'; give a number of units");
            return (null, false);
        }
        return (null, true);
    }
}
