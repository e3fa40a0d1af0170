using BenchmarkDotNet.Running;
using Rnn.Benchmarks;
using Rnn.Harness.Benchmarks;
using Rnn.Training.Steps;

// `quick [threads...]` prints GFLOP/s from GemmThroughput without BenchmarkDotNet (`openblas [threads...]` the same
// shapes through Debian's libopenblas.so.0 when installed), `scaling` what a second core adds, `trainer JOB.json
// [threads]` a job on the single-process Trainer;
// anything else goes to BenchmarkDotNet's switcher, e.g. `-c Release -- --filter '*' --job short`.
if (args.Length > 0 && args[0] is "quick" or "openblas")
{
    QuickThroughput.Print(args.Skip(1).Select(int.Parse).DefaultIfEmpty(1).ToArray(), openBlas: args[0] == "openblas");
    return;
}
if (args.Length > 1 && args[0] == "trainer")
{
    TrainerEpochs.Print(args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 2);
    return;
}
if (args.Length > 0 && args[0] == "scaling")
{
    ScalingCheck.Print();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args, new GemmBenchmarkConfig());
