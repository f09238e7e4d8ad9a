using FastEndpoints;
using Microsoft.EntityFrameworkCore;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Features.Files;

public static class FileQueries
{
    /// <summary>A tenant's file record, read without tracking; null when the tenant has no such file (another tenant's file
    /// is not told apart from a missing one).</summary>
    public static Task<FileState?> ReadAsync(this DbSet<FileState> files, Guid id, string tenant, CancellationToken ct) =>
        files.AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == id && x.Tenant == tenant, ct);

    /// <summary>
    /// The file of <paramref name="tenant" /> (what the request may see: <see cref="TenantScope" />), or null once 404 is
    /// sent: the one lookup every endpoint of a single file starts with.
    /// </summary>
    public static async Task<FileState?> FileOrNotFoundAsync(this HttpContext http, SagaFilesDbContext db, Guid id, string tenant, CancellationToken ct)
    {
        var file = await db.Files.ReadAsync(id, tenant, ct);
        if (file == null)
            await http.Response.SendNotFoundAsync(ct);
        return file;
    }
}
