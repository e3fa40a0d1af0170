namespace Rnn.Client.Plots;

/// <summary>One value of a curve: after <paramref name="Step"/> optimizer steps (1 after the first step).</summary>
internal readonly record struct CurvePoint(double Step, double Value);
