using Microsoft.EntityFrameworkCore;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Features.Files;

public static class FileQueries
{
    /// <summary>A tenant's file record, read without tracking; null when the tenant has no such file (another tenant's file
    /// is not told apart from a missing one).</summary>
    public static Task<FileState?> ReadAsync(this DbSet<FileState> files, Guid id, string tenant, CancellationToken ct) =>
        files.AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == id && x.Tenant == tenant, ct);
}
