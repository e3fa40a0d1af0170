using System.CommandLine;
using Rnn.Harness.Golden;
using Rnn.Client;

namespace Rnn.Client.Commands;

/// <summary>
/// <c>rnn golden DIR</c>: checks the kernels against a folder of libtorch reference cases (*.safetensors). One line
/// per case, then a total; exit 0 only when at least one case ran and every case passed.
/// </summary>
internal sealed class GoldenCommand
{
    public const string CaseExtension = ".safetensors";

    private readonly CliContext _context;
    private readonly Option<bool> _verbose;
    private readonly Argument<string> _folder = new("DIR")
    {
        Description = $"Folder of reference cases (*{CaseExtension}), checked in file-name order",
    };
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<string> _backend = BackendOption.Create();

    public GoldenCommand(CliContext context, Option<bool> verbose)
    {
        _context = context;
        _verbose = verbose;
        Command = new Command("golden", "Check the kernels against a folder of libtorch reference cases")
        {
            _folder, _threads, _backend,
        };
        Command.SetAction(Invoke);
    }

    public Command Command { get; }

    private int Invoke(ParseResult parse)
    {
        try
        {
            return Run(parse.GetRequiredValue(_folder), parse.GetValue(_threads), parse.GetRequiredValue(_backend));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ErrorReporter.Report(e, _context.Error, parse.GetValue(_verbose));
        }
    }

    private int Run(string folder, int threads, string backendName)
    {
        var cases = FindCases(folder);
        using var backend = BackendOption.Open(backendName, threads);
        if (BackendOption.Describe(backend) is { } device) _context.Out.WriteLine(device);
        var runner = new GoldenCaseRunner(backend);
        int passed = 0, failed = 0;
        foreach (var path in cases)
        {
            // The runner reports unreadable or malformed files as failed cases, so one bad file never stops the run.
            var result = runner.Run(path);
            _context.Out.WriteLine(result.Summary());
            if (result.Passed) passed++;
            else failed++;
        }
        _context.Out.WriteLine($"golden: {passed} passed, {failed} failed");
        return failed == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static List<string> FindCases(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (File.Exists(full))
        {
            throw new CommandException(ExitCodes.Usage, $"golden: '{full}' is a file; give the folder that holds the *{CaseExtension} cases");
        }
        if (!Directory.Exists(full))
        {
            throw new CommandException(ExitCodes.Usage, $"golden: folder '{full}' does not exist");
        }

        var cases = Directory.EnumerateFiles(full, "*" + CaseExtension)
            .Where(p => p.EndsWith(CaseExtension, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (cases.Count == 0)
        {
            // Passing on zero cases would let a wrong path look like success in CI.
            throw new CommandException(ExitCodes.Usage, $"golden: folder '{full}' has no *{CaseExtension} files; nothing to check");
        }
        return cases;
    }
}
