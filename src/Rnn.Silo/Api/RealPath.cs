namespace Rnn.Silo.Api;

/// <summary>
/// realpath(3) semantics in managed code: every component of a path resolved, symbolic links followed to their final
/// target (relative targets against the link's folder), "." and ".." applied to the resolved folder, not the text.
/// A component that does not exist ends the walk: the rest is appended as written (like <c>realpath -m</c>), so a
/// caller can decide "outside" before "missing" and a tenant cannot probe which paths exist outside its roots.
/// </summary>
public static class RealPath
{
    /// <summary>Linux's limit on links followed in one lookup (MAXSYMLINKS); a loop fails the same way.</summary>
    public const int MaxLinks = 40;

    /// <summary>The real path of <paramref name="path"/> (made absolute against the current directory first).</summary>
    /// <exception cref="IOException">More than <see cref="MaxLinks"/> links (a loop).</exception>
    public static string Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var pending = new Stack<string>(Split(full[root.Length..]).Reverse());
        var current = root;
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part is "" or ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Combine(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is not null)
            {
                if (++links > MaxLinks) throw new IOException($"more than {MaxLinks} symbolic links (a loop?)");
                if (Path.IsPathRooted(target)) current = Path.GetPathRoot(target)!;
                foreach (var p in Split(Path.IsPathRooted(target) ? target[Path.GetPathRoot(target)!.Length..] : target).Reverse()) pending.Push(p);
                continue;
            }
            if (!File.Exists(next) && !Directory.Exists(next))
            {
                // Missing: the rest cannot hold links; apply it as text.
                var rest = new List<string> { part };
                while (pending.Count > 0) rest.Add(pending.Pop());
                return Path.GetFullPath(Path.Combine([current, .. rest]));
            }
            current = next;
        }
        return current;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or lies under it (both real, absolute).</summary>
    public static bool IsWithin(string path, string folder)
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var trimmed = Path.TrimEndingDirectorySeparator(folder);
        if (string.Equals(path, trimmed, comparison)) return true;
        return path.StartsWith(trimmed + Path.DirectorySeparatorChar, comparison) ||
               (trimmed.Length > 0 && trimmed[^1] == Path.DirectorySeparatorChar && path.StartsWith(trimmed, comparison));
    }

    private static string[] Split(string relative) =>
        relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
