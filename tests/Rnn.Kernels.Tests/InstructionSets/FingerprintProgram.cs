namespace Rnn.Kernels.Tests.InstructionSets;

/// <summary>
/// The test assembly's entry point (the test SDK's empty one is turned off): with
/// <see cref="InstructionSetFingerprint.ChildArgument"/> it prints the fingerprint, one line each, for the
/// cross-instruction-set test that starts it as a child process; otherwise it does nothing, as the generated one did.
/// </summary>
internal static class FingerprintProgram
{
    public static int Main(string[] args)
    {
        if (args.Length != 1 || args[0] != InstructionSetFingerprint.ChildArgument) return 0;
        foreach (var line in InstructionSetFingerprint.Compute()) Console.WriteLine(line);
        return 0;
    }
}
