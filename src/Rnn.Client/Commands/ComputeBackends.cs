using System.CommandLine;

namespace Rnn.Client.Commands;

/// <summary>
/// The compute backends this build of rnn can run. Only the CPU backend exists so far; ilgpu-cpu and cuda will be
/// added here when their kernels land, and then every command with --backend accepts them.
/// </summary>
internal static class ComputeBackends
{
    public const string Cpu = "cpu";

    public static IReadOnlyList<string> Known { get; } = [Cpu];

    public static Option<string> Option()
    {
        var option = new Option<string>("--backend")
        {
            Description = $"Compute backend: {string.Join(", ", Known)}",
            HelpName = "NAME",
            DefaultValueFactory = _ => Cpu,
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!Known.Contains(value, StringComparer.Ordinal))
            {
                result.AddError($"unknown backend '{value}'; known backends: {string.Join(", ", Known)}");
            }
        });
        return option;
    }
}
