namespace Rnn.Kernels.Ilgpu.Kernels;

/// <summary>
/// Activations for the device kernels, accurate to a few float32 ulps on every accelerator. On a GPU (sm_75 and
/// later) ILGPU.Algorithms lowers MathF.Tanh to PTX's tanh.approx.f32, whose relative error of ~5e-4 put four of the
/// nine golden cases out of tolerance on an H200; exp (ex2.approx, ~2 ulp) is accurate enough to build on.
/// </summary>
internal static class DeviceMath
{
    // tanh x = x·(1 − x²/3 + 2x⁴/15 − …) to x¹³ for |x| < 0.55 (truncation < 4e-7 relative);
    // else ±(1 − 2/(e^{2|x|} + 1)), which has no cancellation there
    public static float Tanh(float x)
    {
        var a = MathF.Abs(x);
        if (a < 0.55f)
        {
            var s = x * x;
            var p = 21844f / 6081075f;
            p = p * s - 1382f / 155925f;
            p = p * s + 62f / 2835f;
            p = p * s - 17f / 315f;
            p = p * s + 2f / 15f;
            p = p * s - 1f / 3f;
            return x + x * s * p;
        }
        var t = 1f - 2f / (MathF.Exp(2f * a) + 1f);
        return x < 0f ? -t : t;
    }

    // σ(x) = 1 / (1 + e^{−x})
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
