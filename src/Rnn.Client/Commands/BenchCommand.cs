using System.CommandLine;
using System.Globalization;
using Rnn.Harness.Benchmarks;
using Rnn.Kernels.Models;
using Rnn.Kernels.Layers;

namespace Rnn.Client.Commands;

/// <summary>
/// <c>rnn bench</c>: the median time of one training step of one recurrent layer (forward over T steps, loss = sum
/// of the outputs, backward) and its GFLOP/s — the measurement torchref's <c>bench</c> makes of libtorch, so the two
/// can be run one right after the other and compared as a ratio. <c>--lengths uniform</c> gives the samples lengths
/// uniform in 1..T (fixed seed) and times the packed step (only the samples still running at each step) right
/// beside the same batch padded to T.
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
    private readonly Option<string> _lengths = new("--lengths")
    {
        Description = "full (every sample T steps) or uniform (lengths uniform in 1..T from a fixed seed: packed time beside padded time)",
        DefaultValueFactory = _ => "full",
    };

    public BenchCommand(CliContext context, Option<bool> verbose)
    {
        _context = context;
        _verbose = verbose;
        _cell.AcceptOnlyFromAmong("lstm", "gru", "rnn");
        _lengths.AcceptOnlyFromAmong("full", "uniform");
        Command = new Command("bench", "Time one training step of one recurrent layer (median ms and GFLOP/s)")
        {
            _cell, _input, _hidden, _seq, _batch, _repeats, _threads, _backend, _lengths,
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
            var repeats = parse.GetValue(_repeats);
            using var bench = new RecurrentStepBenchmark(backend, cell, input, hidden, seq, batch, threads);
            var seconds = bench.MedianSeconds(warmups: 3, repeats: repeats);
            var gflops = bench.Flops / seconds / 1e9;
            var label = $"bench {cellName} I={input} H={hidden} T={seq} B={batch} threads={threads} backend={backendName}";
            if (parse.GetRequiredValue(_lengths) == "full")
            {
                _context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: median {seconds * 1000:F2} ms, {gflops:F1} GFLOP/s"));
                if (bench.InstructionSet is { } isa) _context.Out.WriteLine(PeakLine(isa, bench.UsesVector512, threads, gflops));
                return ExitCodes.Success;
            }
            var lengths = RecurrentStepBenchmark.UniformLengths(seq, batch);
            using var packed = new RecurrentStepBenchmark(backend, cell, input, hidden, seq, batch, threads, lengths);
            var packedSeconds = packed.MedianSeconds(warmups: 3, repeats: repeats);
            _context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label} lengths=uniform(1..{seq}, sum {lengths.Sum()} of {seq * batch} steps): padded median {seconds * 1000:F2} ms, packed median {packedSeconds * 1000:F2} ms, packed {seconds / packedSeconds:F2}x faster"));
            // The lengths themselves, so a reference (scripts/packed-vs-libtorch.sh) can time the very same batch.
            _context.Out.WriteLine($"lengths (longest first): {string.Join(',', lengths)}");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ErrorReporter.Report(e, _context.Error, parse.GetValue(_verbose));
        }
    }

    /// <summary>
    /// The CPU run's instruction set and its GFLOP/s against the FMA peak of the same width, measured right after on
    /// one core and on the run's threads (a shared machine's peak drifts, so it is never a constant).
    /// </summary>
    private static string PeakLine(string isa, bool vector512, int threads, double gflops)
    {
        var one = FmaPeak.MeasureGflops(1, vector512: vector512);
        var all = threads == 1 ? one : FmaPeak.MeasureGflops(threads, vector512: vector512);
        var width = vector512 ? 512 : 256;
        return string.Create(CultureInfo.InvariantCulture,
            $"isa={isa}: {width}-bit FMA peak {one:F1} GFLOP/s on 1 core, {all:F1} on {threads}; this step ran at {100 * gflops / all:F1}% of the {threads}-thread peak");
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
