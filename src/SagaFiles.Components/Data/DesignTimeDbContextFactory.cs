using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SagaFiles.Components.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting a host (no database is contacted).</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<SagaFilesDbContext>
{
    public SagaFilesDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SagaFilesDbContext>()
            .UseNpgsql("Host=localhost;Database=sagafiles", npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .Options);
}
