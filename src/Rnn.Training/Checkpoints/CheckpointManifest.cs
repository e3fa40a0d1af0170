using System.Text.Json.Serialization;

namespace Rnn.Training.Checkpoints;

/// <summary>manifest.json: what the checkpoint holds and how to check it (hash), written after the tensors.</summary>
public sealed record CheckpointManifest(
    [property: JsonPropertyName("format_version")] int FormatVersion,
    [property: JsonPropertyName("job")] string Job,
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("parameter_count")] int ParameterCount,
    [property: JsonPropertyName("parameters_sha256")] string ParametersSha256,
    [property: JsonPropertyName("blocks")] IReadOnlyList<CheckpointBlock> Blocks,
    [property: JsonPropertyName("shards")] IReadOnlyList<CheckpointShard> Shards,
    [property: JsonPropertyName("created_utc")] DateTime CreatedUtc);

/// <summary>One parameter block: its range and its optimizer's kind and step count.</summary>
public sealed record CheckpointBlock(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("length")] int Length,
    [property: JsonPropertyName("optimizer")] string Optimizer,
    [property: JsonPropertyName("optimizer_steps")] long OptimizerSteps,
    [property: JsonPropertyName("buffers")] IReadOnlyList<string> Buffers);

/// <summary>One shard's data cursor (the next step) and whether its carried state is stored.</summary>
public sealed record CheckpointShard(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("next_step")] long NextStep,
    [property: JsonPropertyName("carried_state_layers")] int CarriedStateLayers,
    [property: JsonPropertyName("streams")] int Streams);
