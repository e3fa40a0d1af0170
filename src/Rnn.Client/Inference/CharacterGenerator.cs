using System.Text;
using Rnn.Training.Data;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;

namespace Rnn.Client.Inference;

/// <summary>
/// Samples text from a character model: the prime is read through the network one window, carrying the recurrent
/// state, then each next character is drawn from softmax(logits / temperature) with a seeded
/// <see cref="DeterministicRandom"/> (temperature 0: the most likely character), fed back, and so on. The same model,
/// prime, seed and temperature give the same text on every machine.
/// </summary>
internal sealed class CharacterGenerator(SequentialModel model, float[] parameters, CharVocabulary vocabulary)
{
    public string Generate(string prime, int length, double temperature, ulong seed)
    {
        ArgumentException.ThrowIfNullOrEmpty(prime);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (!model.SequenceOutput)
            throw new InvalidOperationException("a character model must return a prediction per character (return_sequences on its last recurrent layer)");
        var random = new DeterministicRandom(seed);
        var state = model.CreateState(1);
        var tokens = vocabulary.Encode(prime);
        var output = model.Forward(parameters, default, tokens, tokens.Length, 1, state, false, 0);
        var logits = new double[model.OutputSize];
        var text = new StringBuilder();
        var next = new int[1];
        for (var i = 0; i < length; i++)
        {
            // The last row is the prediction after the last character read.
            var last = output.Slice(output.Length - model.OutputSize, model.OutputSize);
            for (var c = 0; c < logits.Length; c++) logits[c] = last[c];
            next[0] = Sample(logits, temperature, random);
            text.Append((vocabulary.Decode(next[0]) ?? CharVocabulary.UnknownReplacement).ToString());
            output = model.Forward(parameters, default, next, 1, 1, state, false, 0);
        }
        return text.ToString();
    }

    private static int Sample(double[] logits, double temperature, DeterministicRandom random)
    {
        // Index 0 is the unknown symbol: never written on purpose.
        var best = 1;
        for (var c = 2; c < logits.Length; c++) if (logits[c] > logits[best]) best = c;
        if (temperature == 0) return best;

        var weights = new double[logits.Length];
        double sum = 0;
        for (var c = 1; c < logits.Length; c++)
        {
            weights[c] = Math.Exp((logits[c] - logits[best]) / temperature);
            sum += weights[c];
        }
        var target = random.NextDouble() * sum;
        for (var c = 1; c < logits.Length; c++)
        {
            target -= weights[c];
            if (target < 0) return c;
        }
        return best; // rounding left a sliver at the end
    }
}
