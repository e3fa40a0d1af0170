using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Rnn.Client.Commands;

/// <summary>Options that several commands share, built the same way everywhere so their help and checks agree.</summary>
internal static class CommonOptions
{
    public const int MaxThreads = 1024;

    /// <summary>Compute threads. Results do not depend on it (the kernels partition work deterministically), only speed.</summary>
    public static Option<int> Threads()
    {
        var option = new Option<int>("--threads")
        {
            Description = "Compute threads; results are bit-identical for any count (default: the number of CPUs)",
            HelpName = "N",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        option.Validators.Add(result => RequireRange(result, 1, MaxThreads));
        return option;
    }

    /// <summary>Prints stack traces of internal errors; on the root command and inherited by every subcommand.</summary>
    public static Option<bool> Verbose() => new("--verbose")
    {
        Description = "Print the stack trace of internal errors",
        Recursive = true,
    };

    /// <summary>Adds a parse error when an integer option is outside [min, max]; parse errors exit with code 2.</summary>
    public static void RequireRange(OptionResult result, long min, long max)
    {
        // A token that is not a number at all is reported by the option's own converter; reading the value here
        // would throw instead.
        if (result.Implicit || result.Tokens.Count != 1 ||
            !long.TryParse(result.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return;
        }
        if (value < min || value > max)
        {
            var range = max >= int.MaxValue
                ? $"at least {min.ToString(CultureInfo.InvariantCulture)}"
                : $"from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}";
            result.AddError($"{result.Option.Name} must be {range}; got {value.ToString(CultureInfo.InvariantCulture)}");
        }
    }
}
