using Microsoft.EntityFrameworkCore;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Features.Files;

public static class FileQueries
{
    /// <summary>A file's record, read without tracking; null when there is no such file.</summary>
    public static Task<FileState?> ReadAsync(this DbSet<FileState> files, Guid id, CancellationToken ct) =>
        files.AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == id, ct);
}
