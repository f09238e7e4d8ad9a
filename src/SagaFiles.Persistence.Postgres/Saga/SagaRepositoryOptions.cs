using System.Data;
using MassTransit;
using MassTransit.EntityFrameworkCoreIntegration;
using Microsoft.EntityFrameworkCore;

namespace SagaFiles.Persistence.Postgres.Saga;

/// <summary>How the repository of one saga type loads and locks instances (one per saga type, a singleton).</summary>
public sealed class SagaRepositoryOptions<TSaga>
    where TSaga : class, ISaga
{
    string? _lockStatement;

    public SagaRepositoryOptions(ConcurrencyMode concurrencyMode, IsolationLevel isolationLevel, ILockStatementProvider lockStatementProvider,
        Func<IQueryable<TSaga>, IQueryable<TSaga>>? queryCustomization)
    {
        ConcurrencyMode = concurrencyMode;
        IsolationLevel = isolationLevel;
        LockStatementProvider = lockStatementProvider;
        QueryCustomization = queryCustomization;
    }

    public ConcurrencyMode ConcurrencyMode { get; }
    public IsolationLevel IsolationLevel { get; }
    public ILockStatementProvider LockStatementProvider { get; }
    public Func<IQueryable<TSaga>, IQueryable<TSaga>>? QueryCustomization { get; }

    /// <summary>Loads an instance for update, tracked: as-is (optimistic) or row-locked with FOR UPDATE (pessimistic).</summary>
    public Task<TSaga?> LoadForUpdate(DbContext dbContext, Guid correlationId, CancellationToken cancellationToken)
    {
        IQueryable<TSaga> query;
        if (ConcurrencyMode == ConcurrencyMode.Pessimistic)
        {
            _lockStatement ??= LockStatementProvider.GetRowLockStatement<TSaga>(dbContext);
            query = dbContext.Set<TSaga>().FromSqlRaw(_lockStatement, correlationId);
            if (QueryCustomization != null)
                query = QueryCustomization(query);
            return LoadLocked(query, cancellationToken);
        }

        query = dbContext.Set<TSaga>();
        if (QueryCustomization != null)
            query = QueryCustomization(query);

        return query.AsTracking().SingleOrDefaultAsync(x => x.CorrelationId == correlationId, cancellationToken);
    }

    static async Task<TSaga?> LoadLocked(IQueryable<TSaga> query, CancellationToken cancellationToken)
    {
        // The locking statement is not composed over (ORDER/LIMIT around FOR UPDATE): read it as is.
        var instances = await query.AsTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        return instances.SingleOrDefault();
    }

    public IQueryable<TSaga> Query(DbContext dbContext)
    {
        IQueryable<TSaga> query = dbContext.Set<TSaga>();
        return QueryCustomization != null ? QueryCustomization(query) : query;
    }
}
