using BenchmarkDotNet.Running;
using Rnn.Benchmarks;

// `quick [threads...]` prints GFLOP/s from GemmThroughput without BenchmarkDotNet, `scaling` what a second core adds;
// anything else goes to BenchmarkDotNet's switcher, e.g. `-c Release -- --filter '*' --job short`.
if (args.Length > 0 && args[0] == "quick")
{
    QuickThroughput.Print(args.Skip(1).Select(int.Parse).DefaultIfEmpty(1).ToArray());
    return;
}
if (args.Length > 0 && args[0] == "scaling")
{
    ScalingCheck.Print();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args, new GemmBenchmarkConfig());
