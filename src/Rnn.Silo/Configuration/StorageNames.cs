namespace Rnn.Silo.Configuration;

/// <summary>Grain storage providers the training grains use.</summary>
public static class StorageNames
{
    /// <summary>Job records (state, step, metrics, hash).</summary>
    public const string Jobs = "rnn-jobs";

    /// <summary>The storage Orleans streams keep their subscriptions in; the name is fixed by Orleans.</summary>
    public const string PubSub = "PubSubStore";
}
