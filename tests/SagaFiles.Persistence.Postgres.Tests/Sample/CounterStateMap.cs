using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SagaFiles.Persistence.Postgres.Tests.Sample;

public class CounterStateMap : SagaClassMap<CounterState>
{
    protected override void Configure(EntityTypeBuilder<CounterState> entity, ModelBuilder model)
    {
        entity.Property(x => x.CurrentState).HasMaxLength(64);
        entity.Property(x => x.RowVersion).IsXminRowVersion();
    }
}
