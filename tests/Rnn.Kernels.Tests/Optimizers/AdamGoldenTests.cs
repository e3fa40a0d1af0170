using Rnn.Kernels.Optimizers;

namespace Rnn.Kernels.Tests.Optimizers;

/// <summary>One Adam step against libtorch's reference (lr 0.01, betas 0.9/0.999, eps 1e-8, zero moments).</summary>
public sealed class AdamGoldenTests
{
    public static TheoryData<string> ModelCases() => GoldenSafetensors.ModelCases();

    [Fact]
    public void AllThreeModelCasesAreShipped() => Assert.Equal(3, GoldenSafetensors.ModelCaseFileNames().Length);

    [Theory]
    [MemberData(nameof(ModelCases))]
    public void OneStepFromZeroMomentsMatchesLibtorchAdamWithinTwoUlpsForEveryParameter(string fileName)
    {
        foreach (var (name, index, ours, libtorch) in StepEveryParameter(fileName))
        {
            Assert.True(Math.Abs(ours - libtorch) <= 1e-6, $"{fileName} {name}[{index}]: got {ours:R}, libtorch {libtorch:R}");
            Assert.True(UlpDistance(ours, libtorch) <= 2, $"{fileName} {name}[{index}]: got {ours:R}, libtorch {libtorch:R}");
        }
    }

    [Fact]
    public void OneStepReproducesLibtorchBitForBitOn670Of681Parameters()
    {
        // Pins how closely the float32 operation order follows libtorch: 670 of the 681 golden parameters are
        // bit-identical and the other 11 are one or two ulps away (every other single-rounding variant of the formula
        // we tried matches fewer). A change in operation order moves this count.
        var results = GoldenSafetensors.ModelCaseFileNames().SelectMany(StepEveryParameter).ToList();

        Assert.Equal(681, results.Count);
        Assert.Equal(670, results.Count(r => UlpDistance(r.Ours, r.Libtorch) == 0));
    }

    private static IEnumerable<(string Name, int Index, float Ours, float Libtorch)> StepEveryParameter(string fileName)
    {
        var golden = GoldenSafetensors.Open(fileName);
        var parameterNames = golden.Names
            .Where(n => n.StartsWith("adam1.", StringComparison.Ordinal))
            .Select(n => n["adam1.".Length..])
            .ToList();
        Assert.NotEmpty(parameterNames);

        foreach (var name in parameterNames)
        {
            var parameters = golden.Floats(name);
            var gradients = golden.Floats("d" + name);
            var expected = golden.Floats("adam1." + name);
            var adam = new AdamOptimizer(parameters.Length, beta1: 0.9, beta2: 0.999, epsilon: 1e-8);

            adam.Step(parameters, gradients, learningRate: 0.01);

            for (var i = 0; i < parameters.Length; i++) yield return (name, i, parameters[i], expected[i]);
        }
    }

    private static long UlpDistance(float a, float b)
    {
        // Map the float bit patterns onto a monotonic integer line so that adjacent floats differ by one.
        static long Ordered(float x)
        {
            var bits = BitConverter.SingleToInt32Bits(x);
            return bits < 0 ? int.MinValue - (long)bits : bits;
        }
        return Math.Abs(Ordered(a) - Ordered(b));
    }
}
