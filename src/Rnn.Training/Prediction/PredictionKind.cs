namespace Rnn.Training.Prediction;

/// <summary>What <c>rnn predict</c>'s outputs mean, by the job's data kind.</summary>
public enum PredictionKind
{
    /// <summary>mnist-rows: class logits of each image.</summary>
    Classes,

    /// <summary>csv: the next horizon values of each window, normalised.</summary>
    Forecast,

    /// <summary>text: the logits of the character after each window.</summary>
    NextCharacter,
}
