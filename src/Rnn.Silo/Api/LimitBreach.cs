namespace Rnn.Silo.Api;

/// <summary>
/// A request over one of the silo's limits, for google.rpc.QuotaFailure: what went over (a job-file field path, or
/// "tenant:NAME"), the limit's config key ("Api:Limits:MaxShards") and its value, and the human line.
/// </summary>
public sealed record LimitBreach(string Subject, string LimitKey, long LimitValue, string Description);
