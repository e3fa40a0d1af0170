using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static Rnn.Kernels.Compute.LaneTranspose;
using static Rnn.Kernels.Layers.Activations;

namespace Rnn.Kernels.Layers;

/// <summary>Operations on the lane-major blocks ([unit, 16 lanes]) of the recurrent layers' pieces (<see cref="LaneMajorLayer"/>).</summary>
internal static class LaneBlocks
{
    /// <summary>Zeroes lanes [<paramref name="from"/>, <paramref name="to"/>) of every unit of a lane-major block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ClearLanes(Span<float> block, int from, int to)
    {
        // One mask for all units (a Span.Clear per unit cost as much as a few percent of the step).
        Span<int> keep = stackalloc int[Lanes];
        for (var r = 0; r < Lanes; r++) keep[r] = r < from || r >= to ? -1 : 0;
        ref var b0 = ref MemoryMarshal.GetReference(block);
        if (Use512)
        {
            var mask = Vector512.Create((ReadOnlySpan<int>)keep).AsSingle();
            for (var at = 0; at < block.Length; at += Lanes)
                (Vector512.LoadUnsafe(ref b0, (nuint)at) & mask).StoreUnsafe(ref b0, (nuint)at);
            return;
        }
        var low = Vector256.Create((ReadOnlySpan<int>)keep).AsSingle();
        var high = Vector256.Create((ReadOnlySpan<int>)keep[Width..]).AsSingle();
        for (var at = 0; at < block.Length; at += Lanes)
        {
            (Vector256.LoadUnsafe(ref b0, (nuint)at) & low).StoreUnsafe(ref b0, (nuint)at);
            (Vector256.LoadUnsafe(ref b0, (nuint)(at + Width)) & high).StoreUnsafe(ref b0, (nuint)(at + Width));
        }
    }
}
