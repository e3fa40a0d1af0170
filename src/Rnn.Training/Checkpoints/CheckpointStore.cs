using System.Text.Json;
using Rnn.Kernels.Models;
using Rnn.Kernels.Optimizers;
using Rnn.Training.Safetensors;
using Rnn.Kernels.Tensors;
using Rnn.Training.Runs;

namespace Rnn.Training.Checkpoints;

/// <summary>
/// Writes and reads a checkpoint folder: model.safetensors (parameters under PyTorch names), optimizer.safetensors
/// (block{j}.{buffer}), state.safetensors (shard{k}.layer{l} carried states) and manifest.json. A new checkpoint is
/// built in a temporary sibling folder and swapped in with renames, so a crash at any moment leaves either the old
/// or the new checkpoint whole; <see cref="Read"/> also recovers the old one from an interrupted swap.
/// </summary>
public static class CheckpointStore
{
    private const int FormatVersion = 1;
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static bool Exists(string folder) =>
        File.Exists(Path.Combine(folder, "manifest.json")) || File.Exists(Path.Combine(folder + ".old", "manifest.json"));

    public static void Write(string folder, TrainingCheckpoint checkpoint, ParameterLayout layout, ParameterBlocks blocks)
    {
        var full = Path.GetFullPath(folder);
        var temp = full + ".tmp";
        var old = full + ".old";
        if (Directory.Exists(temp)) Directory.Delete(temp, true);
        Directory.CreateDirectory(temp);

        SafetensorsWriter.Write(Path.Combine(temp, "model.safetensors"),
            layout.Views.Select(v => SafetensorsTensor.FromFloat32(v.Name, v.Shape, v.Of(checkpoint.Parameters.AsSpan()))),
            new Dictionary<string, string> { ["job"] = checkpoint.JobName, ["step"] = checkpoint.Step.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var optimizerTensors = new List<SafetensorsTensor>();
        var blockEntries = new List<CheckpointBlock>();
        for (var j = 0; j < checkpoint.BlockOptimizers.Count; j++)
        {
            var state = checkpoint.BlockOptimizers[j];
            var names = state.Buffers.Keys.Order(StringComparer.Ordinal).ToArray();
            foreach (var name in names)
                optimizerTensors.Add(SafetensorsTensor.FromFloat32($"block{j}.{name}", [state.Buffers[name].Length], state.Buffers[name]));
            blockEntries.Add(new CheckpointBlock(j, blocks.Offset(j), blocks.Length(j), state.Kind, state.StepCount, names));
        }
        SafetensorsWriter.Write(Path.Combine(temp, "optimizer.safetensors"), optimizerTensors);
        var stateTensors = new List<SafetensorsTensor>();
        var shardEntries = new List<CheckpointShard>();
        for (var k = 0; k < checkpoint.ShardStates.Count; k++)
        {
            var carried = checkpoint.ShardStates[k];
            if (carried is not null)
                for (var l = 0; l < carried.Layers.Count; l++)
                    stateTensors.Add(SafetensorsTensor.FromFloat32($"shard{k}.layer{l}", [carried.Layers[l].Length], carried.Layers[l]));
            shardEntries.Add(new CheckpointShard(k, checkpoint.Step, carried?.Layers.Count ?? 0, carried?.Batch ?? 0));
        }
        SafetensorsWriter.Write(Path.Combine(temp, "state.safetensors"), stateTensors);
        var manifest = new CheckpointManifest(FormatVersion, checkpoint.JobName, checkpoint.Step, checkpoint.Parameters.Length,
            ParameterHash.Sha256(layout, checkpoint.Parameters), blockEntries, shardEntries, DateTime.UtcNow);
        File.WriteAllText(Path.Combine(temp, "manifest.json"), JsonSerializer.Serialize(manifest, JsonOptions));

        // Swap: current → .old, .tmp → current, drop .old. Read() falls back to .old if the second rename never ran.
        if (Directory.Exists(old)) Directory.Delete(old, true);
        if (Directory.Exists(full)) Directory.Move(full, old);
        Directory.Move(temp, full);
        if (Directory.Exists(old)) Directory.Delete(old, true);
    }

    /// <summary>The step of the checkpoint in <paramref name="folder"/> (its manifest only), or null when there is none or it is unreadable.</summary>
    public static long? ReadStep(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (!File.Exists(Path.Combine(full, "manifest.json")) && File.Exists(Path.Combine(full + ".old", "manifest.json")))
            full += ".old";
        try
        {
            var path = Path.Combine(full, "manifest.json");
            return File.Exists(path) ? JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllText(path), JsonOptions)?.Step : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static TrainingCheckpoint Read(string folder, ParameterLayout layout)
    {
        var full = Path.GetFullPath(folder);
        if (!File.Exists(Path.Combine(full, "manifest.json")) && File.Exists(Path.Combine(full + ".old", "manifest.json")))
            full += ".old";
        var manifestPath = Path.Combine(full, "manifest.json");
        if (!File.Exists(manifestPath))
            throw new FileNotFoundException($"no checkpoint in {folder}: {manifestPath} does not exist", manifestPath);
        var manifest = JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllText(manifestPath), JsonOptions)
            ?? throw new InvalidDataException($"{manifestPath}: empty manifest");
        if (manifest.FormatVersion != FormatVersion)
            throw new InvalidDataException($"{manifestPath}: format_version {manifest.FormatVersion} is not supported (expected {FormatVersion})");

        var parameters = ModelFile.ReadParameters(Path.Combine(full, "model.safetensors"), layout);
        var hash = ParameterHash.Sha256(layout, parameters);
        if (hash != manifest.ParametersSha256)
            throw new InvalidDataException($"{full}: model.safetensors hashes to {hash} but manifest.json says {manifest.ParametersSha256}; the checkpoint is damaged");
        var optimizer = SafetensorsFile.Read(Path.Combine(full, "optimizer.safetensors"));
        var states = manifest.Blocks.Select(b => new OptimizerState(b.Optimizer, b.OptimizerSteps,
            b.Buffers.ToDictionary(n => n, n => optimizer[$"block{b.Index}.{n}"].ToFloat32(), StringComparer.Ordinal))).ToArray();
        var stateFile = SafetensorsFile.Read(Path.Combine(full, "state.safetensors"));
        var shardStates = manifest.Shards.Select(s => s.CarriedStateLayers == 0 ? null
            : new CarriedState(Enumerable.Range(0, s.CarriedStateLayers).Select(l => stateFile[$"shard{s.Index}.layer{l}"].ToFloat32()).ToArray(), s.Streams)).ToArray();
        return new TrainingCheckpoint(manifest.Job, manifest.Step, parameters, states, shardStates);
    }
}
