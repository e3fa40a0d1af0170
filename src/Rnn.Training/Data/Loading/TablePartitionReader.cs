using Rnn.Training.Data.Sequences;
using Rnn.Training.Data.Tables;
using Rnn.Training.Jobs;

namespace Rnn.Training.Data.Loading;

/// <summary>
/// The table kinds' parts (a shard's partition, the training split, the held-out splits) read without the rest of
/// the data set: the file is streamed a block of rows at a time and only the wanted sequences' rows are kept; they are
/// then built by the same code that builds a whole file (<see cref="LongTableSequences"/>, <see cref="TextColumnSequences"/>)
/// with the class names, vocabulary and normalisers fixed at resolution, so a part equals, bit for bit, the same
/// sequences of the whole split. A long table's sequence index is the order its id first appears (every id is
/// remembered while streaming, the steps only of wanted sequences); a text column's is its row. A wide series holds
/// its columns as numbers (small beside its windows) and cuts only the wanted windows (<see cref="WideTimeSeries.Windows"/>).
/// Before anything is read, each file is checked against its <see cref="DataFileStamp"/>: a file changed after
/// submission fails the read.
/// </summary>
internal static class TablePartitionReader
{
    /// <summary>Rows per block while a CSV file streams (a Parquet file streams a row group at a time).</summary>
    private const int ChunkRows = LongTableSequences.ChunkRows;

    public static SequenceDataset ReadPartition(ResolvedJob job, ResolvedData facts, int shard)
    {
        var data = job.Spec.Data;
        Verify(job, data.Path, facts.DataFile);
        if (data.Kind == DataKinds.Series)
            return Windows(job, facts, split => [ShardPartitioner.Partition(OwnedSequenceLoader.Limited(split.Train, data.Limit), job.Shards, shard, job.Spec.Seed, data.Path).Positions])[0]!;
        var train = OwnedSequenceLoader.SourceSplits(data, job.Spec.Seed, facts.SourceItems).Train;
        var partition = ShardPartitioner.Partition(train, job.Shards, shard, job.Spec.Seed, data.Path);
        return ReadSource(job, facts, [partition.Positions])[0]!;
    }

    public static SequenceDataset ReadTraining(ResolvedJob job, ResolvedData facts)
    {
        var data = job.Spec.Data;
        Verify(job, data.Path, facts.DataFile);
        if (data.Kind == DataKinds.Series) return Windows(job, facts, split => [OwnedSequenceLoader.Limited(split.Train, data.Limit)])[0]!;
        return ReadSource(job, facts, [OwnedSequenceLoader.SourceSplits(data, job.Spec.Seed, facts.SourceItems).Train])[0]!;
    }

    public static (SequenceDataset? Validation, SequenceDataset? Test) ReadHeldOut(ResolvedJob job, ResolvedData facts)
    {
        var data = job.Spec.Data;
        if (data.Kind == DataKinds.Series)
        {
            Verify(job, data.Path, facts.DataFile);
            var parts = Windows(job, facts, split => [split.Validation, split.Test]);
            return (parts[0], parts[1]);
        }
        var plan = OwnedSequenceLoader.SourceSplits(data, job.Spec.Seed, facts.SourceItems);
        if (plan.Validation.Length + plan.Test.Length > 0) Verify(job, data.Path, facts.DataFile);
        var fromSource = ReadSource(job, facts, [plan.Validation, plan.Test]);
        return (data.ValidationPath is { } v ? ReadWhole(job, facts, v, facts.ValidationFile) : fromSource[0],
            data.TestPath is { } t ? ReadWhole(job, facts, t, facts.TestFile) : fromSource[1]);
    }

    /// <summary>
    /// The sequences of data.path at each of <paramref name="sets"/> (ascending source indices, disjoint), from one
    /// streamed pass; null for an empty set.
    /// </summary>
    private static SequenceDataset?[] ReadSource(ResolvedJob job, ResolvedData facts, int[][] sets)
    {
        var union = sets.SelectMany(s => s).Order().ToArray();
        var result = new SequenceDataset?[sets.Length];
        if (union.Length == 0) return result;
        var keep = new bool[facts.SourceItems];
        foreach (var i in union) keep[i] = true;
        var combined = Build(job, facts, job.Spec.Data.Path, keep);
        if (combined?.Count != union.Length)
            throw OwnedSequenceLoader.Changed(job, job.Spec.Data.Path,
                $"it now gives {combined?.Count ?? 0} of the {union.Length} sequences wanted (resolved: {facts.SourceItems} in the file)");
        if (sets.Length == 1) return [combined];
        var rank = new Dictionary<int, int>(union.Length);
        for (var i = 0; i < union.Length; i++) rank[union[i]] = i;
        for (var s = 0; s < sets.Length; s++)
            result[s] = sets[s].Length == 0 ? null : combined.Subset(sets[s].Select(i => rank[i]).ToArray());
        return result;
    }

    /// <summary>A split held in a file of its own (a long table's validation_path or test_path): every sequence of it.</summary>
    private static SequenceDataset ReadWhole(ResolvedJob job, ResolvedData facts, string path, DataFileStamp? stamp)
    {
        Verify(job, path, stamp);
        return Build(job, facts, path, keep: null) ?? throw OwnedSequenceLoader.Changed(job, path, "it now has no rows");
    }

    /// <summary>The sequences whose index is marked in <paramref name="keep"/> (all with null), in file order, normalised.</summary>
    private static SequenceDataset? Build(ResolvedJob job, ResolvedData facts, string path, bool[]? keep)
    {
        var data = job.Spec.Data;
        if (data.Kind == DataKinds.TextColumn)
        {
            var text = KeptRows(path, [data.TextColumn!, data.TargetColumns![0]], null, keep, compact: null);
            var vocabulary = CharVocabulary.FromCodePoints(facts.VocabularyCodePoints ?? throw OwnedSequenceLoader.Unresolved(job));
            return text is null ? null
                : TextColumnSequences.Build(text, data.TextColumn!, data.TargetColumns[0], vocabulary, facts.ClassNames ?? throw OwnedSequenceLoader.Unresolved(job));
        }
        var spec = SequenceDataLoader.LongTableSpecOf(data);
        var table = KeptRows(path, spec.Columns, spec.SequenceColumn, keep, spec.Cells);
        return table is null ? null : OwnedSequenceLoader.Normalized(LongTableSequences.Build(table, spec, facts.ClassNames), facts);
    }

    /// <summary>
    /// The rows of the kept sequences, streamed: a row's sequence is its index (no <paramref name="sequenceColumn"/>) or
    /// the order its id first appeared; null when no row is kept. A long table's kept rows are held compactly.
    /// </summary>
    private static ColumnTable? KeptRows(string path, IReadOnlyCollection<string> columns, string? sequenceColumn, bool[]? keep,
        IReadOnlyList<(string Column, bool Number)>? compact)
    {
        var ids = sequenceColumn is null ? null : new Dictionary<string, int>(StringComparer.Ordinal);
        var row = 0;
        var kept = new List<ColumnTable>();
        var rows = new List<int>();
        foreach (var chunk in ColumnTable.ReadChunks(path, columns, ChunkRows))
        {
            rows.Clear();
            for (var r = 0; r < chunk.RowCount; r++)
            {
                int sequence;
                if (ids is null) sequence = row++;
                else
                {
                    var id = chunk.Text(sequenceColumn!, r);
                    if (!ids.TryGetValue(id, out sequence)) ids[id] = sequence = ids.Count;
                }
                if (keep is null || (sequence < keep.Length && keep[sequence])) rows.Add(r);
            }
            if (rows.Count == 0) continue;
            var part = rows.Count == chunk.RowCount ? chunk : chunk.Rows(rows);
            kept.Add(compact is null ? part : part.Compact(compact));
        }
        return kept.Count == 0 ? null : ColumnTable.Concat(kept);
    }

    /// <summary>A wide series' windows of some parts (null for an empty one): the columns read as numbers, the parts' windows cut from them.</summary>
    private static SequenceDataset?[] Windows(ResolvedJob job, ResolvedData facts, Func<DataSplit, int[][]> parts)
    {
        var data = job.Spec.Data;
        var spec = SequenceDataLoader.WideSeriesSpecOf(data);
        var columns = WideSeriesColumns.Read(data.Path, spec);
        var (split, _) = WideTimeSeries.Split(columns, spec, data.ValidationFraction ?? 0, data.TestFraction ?? 0);
        if (split.Train.Length + split.Validation.Length + split.Test.Length != facts.SourceItems)
            throw OwnedSequenceLoader.Changed(job, data.Path, $"it now gives {split.Train.Length + split.Validation.Length + split.Test.Length} " +
                $"windows (resolved: {facts.SourceItems})");
        var features = OwnedSequenceLoader.Normalizer(facts.FeatureMean, facts.FeatureStd);
        var targets = OwnedSequenceLoader.Normalizer(facts.TargetMean, facts.TargetStd);
        return parts(split).Select(samples => samples.Length == 0 ? null
            : WideTimeSeries.Windows(columns, spec, features, targets, facts.ClassNames, samples)).ToArray();
    }

    /// <summary>The file is as it was resolved (length, then SHA-256), or the job fails naming it.</summary>
    private static void Verify(ResolvedJob job, string path, DataFileStamp? stamp)
    {
        if (stamp is null) throw OwnedSequenceLoader.Unresolved(job);
        var fullPath = DataFileReader.RequireFile(path, "table");
        var length = new FileInfo(fullPath).Length;
        var now = length == stamp.Length ? DataFileStamp.Of(fullPath) : null;
        if (now is null || now.Sha256 != stamp.Sha256)
            throw OwnedSequenceLoader.Changed(job, path, $"it now has {length} bytes" + (now is null ? "" : $" with SHA-256 {now.Sha256}") +
                $" (resolved: {stamp.Length} bytes with SHA-256 {stamp.Sha256})");
    }
}
