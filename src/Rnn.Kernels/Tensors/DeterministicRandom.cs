namespace Rnn.Kernels.Tensors;

/// <summary>
/// xoshiro256** seeded through SplitMix64: the same seed gives the same stream on every machine and .NET version,
/// which System.Random does not promise. Streams for (seed, shard, epoch) come from <see cref="Derive"/>.
/// </summary>
public sealed class DeterministicRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public DeterministicRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>A generator for a named sub-stream, e.g. Derive(seed, shard, epoch); independent of call order.</summary>
    public static DeterministicRandom Derive(ulong seed, params long[] path)
    {
        var x = seed;
        foreach (var p in path)
        {
            x ^= (ulong)p + 0x9E3779B97F4A7C15UL;
            x = SplitMix(ref x);
        }
        return new DeterministicRandom(x);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 random bits, exactly representable as float.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, bound) without modulo bias (Lemire's method).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound), bound, "bound must be positive");
        var threshold = (uint)(-bound) % (uint)bound;
        while (true)
        {
            var r = (uint)(NextUInt64() >> 32);
            var m = (ulong)r * (uint)bound;
            if ((uint)m >= threshold) return (int)(m >> 32);
        }
    }

    /// <summary>Fisher–Yates shuffle of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (var i = 0; i < n; i++) p[i] = i;
        for (var i = n - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
