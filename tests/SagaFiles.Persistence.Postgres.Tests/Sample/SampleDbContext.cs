using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SagaFiles.Persistence.Postgres.Tests.Sample;

/// <summary>A host's DbContext in miniature: one saga, one plain entity and the inbox/outbox tables, snake_case names.</summary>
public class SampleDbContext(DbContextOptions<SampleDbContext> options) : DbContext(options)
{
    public DbSet<CounterState> Counters => Set<CounterState>();

    public DbSet<Document> Documents => Set<Document>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        new CounterStateMap().Configure(modelBuilder);

        modelBuilder.Entity<Document>().Property(x => x.Name).HasMaxLength(200);

        modelBuilder.AddInboxStateEntity();
        modelBuilder.AddOutboxMessageEntity();
        modelBuilder.AddOutboxStateEntity();
    }

    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString).UseSnakeCaseNamingConvention();
}

/// <summary>For <c>dotnet ef migrations add</c>; the connection is never opened for that.</summary>
public class SampleDbContextDesignTimeFactory : IDesignTimeDbContextFactory<SampleDbContext>
{
    public SampleDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SampleDbContext>();
        SampleDbContext.Configure(options, "Host=localhost;Database=sagafiles_design");
        return new SampleDbContext(options.Options);
    }
}
