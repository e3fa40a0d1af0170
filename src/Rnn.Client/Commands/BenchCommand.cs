using System.CommandLine;
using System.Globalization;
using Rnn.Harness.Benchmarks;
using Rnn.Kernels.Models;
using Rnn.Kernels.Layers;

namespace Rnn.Client.Commands;

/// <summary>
/// <c>rnn bench</c>: the median time of one training step of one recurrent layer (forward over T steps, loss = sum
/// of the outputs, backward) and its GFLOP/s — the measurement torchref's <c>bench</c> makes of libtorch, so the two
/// can be run one right after the other and compared as a ratio.
/// </summary>
internal sealed class BenchCommand
{
    private readonly CliContext _context;
    private readonly Option<bool> _verbose;
    private readonly Option<string> _cell = new("--cell") { Description = "lstm, gru or rnn", DefaultValueFactory = _ => "lstm" };
    private readonly Option<int> _input = Positive("--input", "Input features I", 128);
    private readonly Option<int> _hidden = Positive("--hidden", "Hidden units H", 512);
    private readonly Option<int> _seq = Positive("--seq", "Time steps T", 64);
    private readonly Option<int> _batch = Positive("--batch", "Batch B", 64);
    private readonly Option<int> _repeats = Positive("--repeats", "Timed steps (the median is reported), after 3 warm-ups", 10);
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<string> _backend = BackendOption.Create();

    public BenchCommand(CliContext context, Option<bool> verbose)
    {
        _context = context;
        _verbose = verbose;
        _cell.AcceptOnlyFromAmong("lstm", "gru", "rnn");
        Command = new Command("bench", "Time one training step of one recurrent layer (median ms and GFLOP/s)")
        {
            _cell, _input, _hidden, _seq, _batch, _repeats, _threads, _backend,
        };
        Command.SetAction(Invoke);
    }

    public Command Command { get; }

    private int Invoke(ParseResult parse)
    {
        try
        {
            var cellName = parse.GetRequiredValue(_cell);
            var cell = cellName switch { "lstm" => RecurrentCell.Lstm, "gru" => RecurrentCell.Gru, _ => RecurrentCell.SimpleRnn };
            int input = parse.GetValue(_input), hidden = parse.GetValue(_hidden), seq = parse.GetValue(_seq),
                batch = parse.GetValue(_batch), threads = parse.GetValue(_threads);
            var backendName = parse.GetRequiredValue(_backend);
            using var backend = BackendOption.Open(backendName, threads);
            if (BackendOption.Describe(backend) is { } device) _context.Out.WriteLine(device);
            using var bench = new RecurrentStepBenchmark(backend, cell, input, hidden, seq, batch, threads);
            var seconds = bench.MedianSeconds(warmups: 3, repeats: parse.GetValue(_repeats));
            _context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"bench {cellName} I={input} H={hidden} T={seq} B={batch} threads={threads} backend={backendName}: median {seconds * 1000:F2} ms, {bench.Flops / seconds / 1e9:F1} GFLOP/s"));
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ErrorReporter.Report(e, _context.Error, parse.GetValue(_verbose));
        }
    }

    private static Option<int> Positive(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<int>();
            if (v < 1 || v > BenchLimits.Max) r.AddError($"{name} must be between 1 and {BenchLimits.Max}, got {v}");
        });
        return option;
    }
}
