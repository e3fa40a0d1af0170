using System.CommandLine;
using Rnn.Client.Console;
using Rnn.Contracts.Clients;

namespace Rnn.Client.Commands;

/// <summary>
/// <c>rnn download ID -o DIR</c>: copies a cluster job's model.safetensors, manifest.json, metrics.csv and summary.json
/// into DIR. Each file is written under a temporary name and renamed when complete, so DIR never holds half a file.
/// </summary>
internal sealed class DownloadCommand
{
    private readonly CliContext _context;
    private readonly RemoteOptions _remote;
    private readonly Argument<string> _id = new("ID") { Description = "The job id that submit printed" };
    private readonly Option<string> _out = new("--out", "-o")
    {
        Description = "Folder to write the files in (created if missing)",
        HelpName = "DIR",
        Required = true,
    };
    private readonly Option<string[]> _files = new("--file")
    {
        Description = $"Only this file (repeatable): {string.Join(", ", RunFiles.All)} [default: all]",
        HelpName = "NAME",
    };

    public DownloadCommand(CliContext context, Option<bool> verbose)
    {
        _context = context;
        _remote = new RemoteOptions(context, verbose);
        _files.AcceptOnlyFromAmong([.. RunFiles.All]);
        Command = new Command("download", "Download a cluster job's model, checkpoint manifest, metrics and summary") { _id, _out, _files };
        _remote.AddTo(Command);
        Command.SetAction(InvokeAsync);
    }

    public Command Command { get; }

    private Task<int> InvokeAsync(ParseResult parse, CancellationToken cancellation) => _remote.RunAsync(parse, async () =>
    {
        var id = parse.GetValue(_id)!;
        var folder = Path.GetFullPath(parse.GetValue(_out)!);
        var names = parse.GetValue(_files) is { Length: > 0 } chosen ? chosen.Distinct(StringComparer.Ordinal).ToArray() : RunFiles.All.ToArray();
        var (client, _) = _remote.Connect(parse);
        await using (client)
        {
            Directory.CreateDirectory(folder);
            var written = new List<(string Name, long Bytes)>();
            foreach (var name in names)
            {
                var path = Path.Combine(folder, name);
                var partial = path + ".part";
                try
                {
                    await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
                    {
                        await client.DownloadAsync(id, name, file, cancellation);
                    }
                    File.Move(partial, path, overwrite: true);
                }
                finally
                {
                    File.Delete(partial);
                }
                written.Add((name, new FileInfo(path).Length));
            }
            if (parse.GetValue(_remote.Json))
            {
                JsonLines.Write(_context.Out, w =>
                {
                    w.WriteString("event", "download");
                    w.WriteString("job_id", id);
                    w.WriteString("out", folder);
                    w.WriteStartArray("files");
                    foreach (var (name, bytes) in written)
                    {
                        w.WriteStartObject();
                        w.WriteString("file", Path.Combine(folder, name));
                        w.WriteNumber("bytes", bytes);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                });
            }
            else
            {
                _context.Out.WriteLine($"wrote {folder}: " + string.Join(", ", written.Select(f => $"{f.Name} ({f.Bytes} bytes)")));
            }
            return ExitCodes.Success;
        }
    });
}
