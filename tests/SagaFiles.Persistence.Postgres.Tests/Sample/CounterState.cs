using MassTransit;

namespace SagaFiles.Persistence.Postgres.Tests.Sample;

public class CounterState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }

    public string CurrentState { get; set; } = null!;

    public int Count { get; set; }

    /// <summary>Postgres xmin: the optimistic concurrency token.</summary>
    public uint RowVersion { get; set; }
}
