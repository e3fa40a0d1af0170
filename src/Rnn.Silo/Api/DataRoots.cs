using Rnn.Silo.Jobs;
using Rnn.Training.Jobs;
using Rnn.Training.Resolution;

namespace Rnn.Silo.Api;

/// <summary>
/// The folders a silo reads submitted jobs' training data from (<c>Silo:DataRoots</c>). A job's <c>data.path</c> is
/// relative to a root (or absolute inside one); <c>{tenant}</c> in a root is the caller's tenant, so each tenant can be
/// kept to its own subfolder. Every path is resolved as realpath(3) does (<see cref="RealPath"/>: each component's
/// symbolic links followed to the final target) and refused unless the result lies under a root; the silo's tokens
/// file and runs folder are refused even when a root holds them. Refusals name the field and the roots as the operator
/// wrote them, never a resolved server path, and "outside" is decided before "missing", so a tenant cannot probe
/// which paths exist on the server. The resolved real path is what the job then reads, so a link changed after the
/// check is not followed again.
/// </summary>
public sealed class DataRoots : IDataPathNames
{
    public const string SettingKey = "Silo:DataRoots";

    public const string TenantPlaceholder = "{tenant}";

    /// <summary>Entries of a data folder checked for links out of the roots (a larger folder is refused).</summary>
    public const int MaxFolderEntries = 100_000;

    private readonly string[] _absolute;
    private readonly string[] _reserved;

    /// <param name="configured">The roots as the operator wrote them (relative ones against <paramref name="baseDirectory"/>).</param>
    /// <param name="reserved">Paths never readable as data: the tokens file, the runs folder.</param>
    public DataRoots(IReadOnlyList<string> configured, string baseDirectory, IEnumerable<string> reserved)
    {
        ArgumentNullException.ThrowIfNull(configured);
        if (configured.Count == 0) throw new ArgumentException("at least one data root is needed", nameof(configured));
        Configured = configured;
        _absolute = configured.Select(r => Path.GetFullPath(r, baseDirectory)).ToArray();
        _reserved = reserved.Select(RealPath.Resolve).ToArray();
    }

    /// <summary>The roots as configured (for messages and the start-up printout).</summary>
    public IReadOnlyList<string> Configured { get; }

    /// <summary>The setting as the operator wrote it: <c>Silo:DataRoots = a:b</c>.</summary>
    public string Describe() => $"{SettingKey} = {string.Join(Path.PathSeparator, Configured)}";

    /// <summary>
    /// The real absolute path of <paramref name="data"/>'s path for <paramref name="tenant"/>, after every check;
    /// a <see cref="JobValidationException"/> on field <c>data.path</c> otherwise.
    /// </summary>
    public string Confine(string jobName, DataSpec data, string tenant)
    {
        ArgumentNullException.ThrowIfNull(data);
        var wantsFolder = data.Kind == DataKinds.MnistRows;
        return ConfinePath(jobName, "data.path", data.Path, wantsFolder,
            $"{data.Kind} data {(wantsFolder ? "folder" : "file")} '{data.Path}'", $"{data.Kind} data", tenant);
    }

    /// <summary>
    /// Every path a job reads confined the same way: data.path, the sequence kinds' test_path and validation_path,
    /// and an .npy job's y and lengths files (beside x). Returns the data section with each path made real.
    /// </summary>
    public DataSpec ConfineAll(string jobName, DataSpec data, string tenant)
    {
        ArgumentNullException.ThrowIfNull(data);
        var confined = data with { Path = Confine(jobName, data, tenant) };
        if (data.TestPath is { } test)
            confined = confined with { TestPath = ConfinePath(jobName, "data.test_path", test, false, $"test file '{test}'", "a test file", tenant) };
        if (data.ValidationPath is { } validation)
            confined = confined with
            {
                ValidationPath = ConfinePath(jobName, "data.validation_path", validation, false, $"validation file '{validation}'", "a validation file", tenant),
            };
        if (data.Kind == DataKinds.Numpy && !confined.Path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
        {
            // y and lengths are read from x's folder: relative to it, and inside the roots like x.
            var folder = Path.GetDirectoryName(confined.Path)!;
            string Beside(string field, string given) => ConfinePath(jobName, field, Path.GetFullPath(Path.Combine(folder, given)),
                false, $"file '{given}'", "an .npy array", tenant, given);
            if (data.Y is { } y) confined = confined with { Y = Beside("data.y", y) };
            if (data.Lengths is { } lengths) confined = confined with { Lengths = Beside("data.lengths", lengths) };
        }
        return confined;
    }

    /// <summary>
    /// The real path of a job's <c>init_from</c> model file, confined as data paths are (field <c>init_from</c>): a
    /// model folder under a root stands for its model.safetensors, which must lie under a root too. The runs folder is
    /// not a data root: a model from an earlier run is put under one (e.g. by <c>rnn download</c>) to start from it.
    /// </summary>
    public string ConfineInitFrom(string jobName, string path, string tenant)
    {
        ArgumentNullException.ThrowIfNull(path);
        const string field = InitWeights.Field;
        var real = ConfinePath(jobName, field, path, wantsFolder: null, $"model '{path}'", "a model", tenant);
        if (!Directory.Exists(real)) return real;
        var shown = Path.Join(path, JobSpec.InitFromModelFile);
        return ConfinePath(jobName, field, Path.Combine(real, JobSpec.InitFromModelFile), wantsFolder: false,
            $"model file '{shown}'", "a model", tenant, shown);
    }

    private string ConfinePath(string jobName, string field, string path, bool? wantsFolder, string what, string kind, string tenant,
        string? shownAs = null)
    {
        var given = shownAs ?? path;
        var roots = RootsOf(tenant);
        var candidates = Path.IsPathRooted(path)
            ? [Path.GetFullPath(path)]
            : roots.Select(r => Path.GetFullPath(Path.Combine(r, path))).ToArray();
        string? wrongKind = null;
        var outside = false;
        foreach (var candidate in candidates)
        {
            var real = Resolve(jobName, field, given, candidate);
            if (!roots.Any(r => RealPath.IsWithin(real, r)) || _reserved.Any(r => RealPath.IsWithin(real, r)))
            {
                outside = true;
                continue;
            }
            var isFolder = Directory.Exists(real);
            var isFile = File.Exists(real);
            if (!isFolder && !isFile) continue;
            if (wantsFolder is { } folderWanted && isFolder != folderWanted)
            {
                wrongKind ??= $"{what} is a {(isFolder ? "folder" : "file")}; {kind} is {(folderWanted ? "a folder (train-images-idx3-ubyte, ...)" : "one file")}: fix {field}";
                continue;
            }
            if (isFolder) CheckFolderEntries(jobName, field, given, real, roots);
            return real;
        }
        if (wrongKind is not null) throw Refused(jobName, field, wrongKind);
        if (outside)
            throw Refused(jobName, field, $"'{given}' is outside this silo's data roots ({Describe()}); give a path relative to a data root " +
                $"({TenantPlaceholder} in a root is your tenant)");
        throw Refused(jobName, field, $"{what} not found under this silo's data roots ({Describe()}); paths are relative to a data root " +
            $"({TenantPlaceholder} in a root is your tenant): fix {field} or ask the operator to put the data there");
    }

    /// <summary>
    /// The path as a job gives it: relative to the data root that holds it (under a <c>{tenant}</c> root, relative to
    /// the tenant's folder); null when no root holds it.
    /// </summary>
    public string? RelativeToRoot(string absolutePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(absolutePath);
        foreach (var root in _absolute)
        {
            var placeholder = root.IndexOf(TenantPlaceholder, StringComparison.Ordinal);
            if (placeholder < 0)
            {
                var real = RealPath.Resolve(root);
                if (RealPath.IsWithin(absolutePath, real)) return Path.GetRelativePath(real, absolutePath);
                continue;
            }
            // {tenant}/rest: the tenant's folder is the root the job's path was relative to.
            var prefix = RealPath.Resolve(root[..placeholder].TrimEnd(Path.DirectorySeparatorChar));
            if (!RealPath.IsWithin(absolutePath, prefix)) continue;
            var inside = Path.GetRelativePath(prefix, absolutePath).Split(Path.DirectorySeparatorChar);
            var rootTail = root[(placeholder + TenantPlaceholder.Length)..].Trim(Path.DirectorySeparatorChar);
            var skip = 1 + (rootTail.Length == 0 ? 0 : rootTail.Split(Path.DirectorySeparatorChar).Length);
            if (inside.Length > skip) return string.Join(Path.DirectorySeparatorChar, inside[skip..]);
        }
        return null;
    }

    public string Relative(string message, IEnumerable<string> absolutePaths)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(absolutePaths);
        // Longest first, so a folder's path does not cut into a file's path inside it.
        foreach (var path in absolutePaths.Distinct(StringComparer.Ordinal).OrderByDescending(p => p.Length))
            if (RelativeToRoot(path) is { } relative) message = message.Replace(path, relative, StringComparison.Ordinal);
        return message;
    }

    /// <summary>The tenant's real roots that exist ({tenant} substituted; "." and ".." are never tenants' folders).</summary>
    private string[] RootsOf(string tenant)
    {
        var roots = new List<string>();
        foreach (var root in _absolute)
        {
            if (root.Contains(TenantPlaceholder, StringComparison.Ordinal) && tenant is "." or ".." or "") continue;
            var path = root.Replace(TenantPlaceholder, tenant, StringComparison.Ordinal);
            var real = RealPath.Resolve(path);
            if (Directory.Exists(real)) roots.Add(real);
        }
        return roots.ToArray();
    }

    private static string Resolve(string jobName, string field, string given, string path)
    {
        try
        {
            return RealPath.Resolve(path);
        }
        catch (IOException)
        {
            throw Refused(jobName, field, $"'{given}' leads through more than {RealPath.MaxLinks} symbolic links (a loop); fix the data folder");
        }
    }

    /// <summary>A data folder's files are read by name later: none of them may lead out of the roots either.</summary>
    private void CheckFolderEntries(string jobName, string field, string given, string folder, string[] roots)
    {
        var count = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", options))
        {
            if (++count > MaxFolderEntries)
                throw Refused(jobName, field, $"data folder '{given}' holds more than {MaxFolderEntries} entries; give the folder of the data set itself");
            if (entry.LinkTarget is null) continue;
            var real = Resolve(jobName, field, given, entry.FullName);
            if (!roots.Any(r => RealPath.IsWithin(real, r)) || _reserved.Any(r => RealPath.IsWithin(real, r)))
                throw Refused(jobName, field, $"'{Path.Join(given, Path.GetRelativePath(folder, entry.FullName))}' links outside this silo's data roots " +
                    $"({Describe()}); data folders may only link inside a data root");
        }
    }

    private static JobValidationException Refused(string jobName, string field, string message) =>
        new(jobName, [new JobValidationError(field, message)]);
}
