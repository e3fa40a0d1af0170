namespace Rnn.Contracts.Messages;

/// <summary>The answer to a reservation: admitted, or not, with the tenant's count of active jobs.</summary>
[GenerateSerializer]
[Alias("Rnn.TenantAdmission")]
public sealed record TenantAdmission([property: Id(0)] bool Admitted, [property: Id(1)] int ActiveJobs);
