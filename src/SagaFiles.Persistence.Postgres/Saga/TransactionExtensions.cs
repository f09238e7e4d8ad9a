using Microsoft.EntityFrameworkCore.Storage;

namespace SagaFiles.Persistence.Postgres;

static class TransactionExtensions
{
    /// <summary>Rolls back after a failure without hiding it: if the connection is gone, the server has rolled back already.</summary>
    public static async Task RollbackQuietlyAsync(this IDbContextTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // nothing to add to the exception being thrown
        }
    }
}
