namespace Rnn.Training.Jobs;

/// <summary>Reads and checks the <c>optimizer</c> section.</summary>
internal static class OptimizerSectionReader
{
    private const string Type = "type", Lr = "lr", Beta1 = "beta1", Beta2 = "beta2", Epsilon = "epsilon",
        Momentum = "momentum", Nesterov = "nesterov", WeightDecay = "weight_decay", ClipNorm = "clip_norm",
        Schedule = "schedule";

    private static readonly string[] AllKeys = [Type, Lr, Beta1, Beta2, Epsilon, Momentum, Nesterov, WeightDecay, ClipNorm, Schedule];
    private static readonly string[] AdamKeys = [Type, Lr, Beta1, Beta2, Epsilon, WeightDecay, ClipNorm, Schedule];
    private static readonly string[] SgdKeys = [Type, Lr, Momentum, Nesterov, WeightDecay, ClipNorm, Schedule];

    private const string PositiveNumber = "a number > 0";
    private const string UnitInterval = "a number in [0, 1)";

    /// <summary>The optimizer, or null when the section has any error.</summary>
    public static OptimizerSpec? Read(JsonObjectReader root)
    {
        var optimizer = root.Object("optimizer", required: true);
        if (optimizer is null) return null;

        var errorsBefore = optimizer.Errors.Count;
        var type = optimizer.Choice(Type, OptimizerTypes.All, "optimizer", required: true);
        var lr = optimizer.Double(Lr, v => v > 0, PositiveNumber, required: true);
        var weightDecay = optimizer.Double(WeightDecay, v => v >= 0, "a number >= 0", required: false) ?? 0;
        var clipNorm = optimizer.Double(ClipNorm, v => v > 0, PositiveNumber, required: false);
        var schedule = ScheduleSectionReader.Read(optimizer, lr);

        double beta1 = OptimizerSpec.DefaultBeta1, beta2 = OptimizerSpec.DefaultBeta2, epsilon = OptimizerSpec.DefaultEpsilon;
        double momentum = 0;
        var nesterov = false;
        switch (type)
        {
            case OptimizerTypes.Adam:
                beta1 = optimizer.Double(Beta1, v => v >= 0 && v < 1, UnitInterval, required: false) ?? beta1;
                beta2 = optimizer.Double(Beta2, v => v >= 0 && v < 1, UnitInterval, required: false) ?? beta2;
                epsilon = optimizer.Double(Epsilon, v => v > 0, PositiveNumber, required: false) ?? epsilon;
                optimizer.ReportUnreadKeys(AdamKeys, "the adam optimizer", AllKeys);
                break;

            case OptimizerTypes.Sgd:
                var momentumRead = optimizer.Has(Momentum)
                    ? optimizer.Double(Momentum, v => v >= 0 && v < 1, UnitInterval, required: false)
                    : 0;
                momentum = momentumRead ?? 0;
                nesterov = optimizer.Bool(Nesterov, required: false) ?? false;
                if (nesterov && momentumRead == 0)
                {
                    var source = optimizer.Has(Momentum) ? "momentum is 0" : "momentum defaults to 0";
                    optimizer.Errors.Add(optimizer.FieldPath(Nesterov),
                        $"nesterov needs momentum > 0, but {source}; set \"momentum\" (e.g. 0.9) or remove \"nesterov\"");
                }
                optimizer.ReportUnreadKeys(SgdKeys, "the sgd optimizer", AllKeys);
                break;

            default:
                foreach (var key in AllKeys) optimizer.TryTake(key, "", required: false, out _);
                optimizer.ReportUnreadKeys(AllKeys, "optimizer", []);
                return null;
        }

        if (optimizer.Errors.Count != errorsBefore || lr is null) return null;
        return new OptimizerSpec
        {
            Type = type,
            Lr = lr.Value,
            Beta1 = beta1,
            Beta2 = beta2,
            Epsilon = epsilon,
            Momentum = momentum,
            Nesterov = nesterov,
            WeightDecay = weightDecay,
            ClipNorm = clipNorm,
            Schedule = schedule,
        };
    }
}
