using Rnn.Kernels.Compute;
using Rnn.Training.Jobs;
using Rnn.Kernels.Tensors;
using Rnn.Training.Steps;

namespace Rnn.Silo.Jobs;

/// <summary>
/// A job as one silo knows it, made once per silo from the resolved job: the training setup (data, model factory,
/// optimizer, schedule), the parameter layout, the fixed block split and the initial parameters (seeded, or init_from's). Shared by
/// every grain of the job on this silo; read-only after construction.
/// </summary>
public sealed class JobRuntime
{
    private readonly float[] _initialParameters;

    private JobRuntime(TrainingSetup setup, ParameterLayout layout, float[] initialParameters)
    {
        Setup = setup;
        Layout = layout;
        _initialParameters = initialParameters;
        // The same split as the single-process Trainer: the order of the global-norm reduction depends on it.
        Blocks = new ParameterBlocks(layout.TotalLength);
    }

    public TrainingSetup Setup { get; }

    public JobSpec Job => Setup.Job;

    public ParameterLayout Layout { get; }

    public ParameterBlocks Blocks { get; }

    public ReadOnlySpan<float> InitialParameters => _initialParameters;

    /// <summary>Reads the data and initialises the model (heavy: run it on the compute executor).</summary>
    public static JobRuntime Load(ResolvedJob job)
    {
        var setup = TrainingSetup.Load(job);
        var model = setup.CreateModel(new CpuCompute(1));
        // Seeded, or init_from's weights (checked against the hash taken at submission).
        return new JobRuntime(setup, model.Layout, setup.InitialParameters(model));
    }
}
