using MassTransit;
using MassTransit.Context;
using MassTransit.Middleware;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace SagaFiles.Persistence.Postgres.Saga;

/// <summary>
/// One consumed message's view of the saga table. Writes happen inside the transaction the factory (or the outbox) opened;
/// lost races surface as MassTransit's <see cref="ConcurrencyException" /> so a retry filter can run the message again.
/// </summary>
public sealed class DbContextSagaRepositoryContext<TSaga, TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<TSaga, TMessage>, IDisposable
    where TSaga : class, ISaga
    where TMessage : class
{
    readonly ConsumeContext<TMessage> _consumeContext;
    readonly DbContext _dbContext;
    readonly ISagaConsumeContextFactory<DbContext, TSaga> _factory;
    readonly SagaRepositoryOptions<TSaga> _options;
    readonly SemaphoreSlim _inUse = new(1);

    public DbContextSagaRepositoryContext(DbContext dbContext, ConsumeContext<TMessage> consumeContext, ISagaConsumeContextFactory<DbContext, TSaga> factory,
        SagaRepositoryOptions<TSaga> options)
        : base(consumeContext, dbContext)
    {
        _dbContext = dbContext;
        _consumeContext = consumeContext;
        _factory = factory;
        _options = options;
    }

    public void Dispose() => _inUse.Dispose();

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        _factory.CreateSagaConsumeContext(_dbContext, _consumeContext, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<TSaga, TMessage>?> Insert(TSaga instance)
    {
        var entry = await _dbContext.Set<TSaga>().AddAsync(instance, CancellationToken).ConfigureAwait(false);
        try
        {
            // Inside a transaction EF Core wraps this in a savepoint, so a duplicate key leaves the transaction usable.
            await _dbContext.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException exception) when (PostgresConcurrency.IsUniqueViolation(exception))
        {
            // Someone inserted this instance first: forget ours; the pipeline loads theirs instead.
            entry.State = EntityState.Detached;
            return null;
        }

        return await _factory.CreateSagaConsumeContext(_dbContext, _consumeContext, instance, SagaConsumeContextMode.Insert).ConfigureAwait(false);
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>?> Load(Guid correlationId)
    {
        var instance = await _options.LoadForUpdate(_dbContext, correlationId, CancellationToken).ConfigureAwait(false);
        if (instance == null)
            return null;

        return await _factory.CreateSagaConsumeContext(_dbContext, _consumeContext, instance, SagaConsumeContextMode.Load).ConfigureAwait(false);
    }

    public Task Save(SagaConsumeContext<TSaga> context) =>
        Write(context, async () =>
        {
            await _dbContext.Set<TSaga>().AddAsync(context.Saga, CancellationToken).ConfigureAwait(false);
            await _dbContext.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
        });

    public Task Update(SagaConsumeContext<TSaga> context) =>
        Write(context, () => _dbContext.SaveChangesAsync(CancellationToken));

    public Task Delete(SagaConsumeContext<TSaga> context) =>
        Write(context, () =>
        {
            _dbContext.Set<TSaga>().Remove(context.Saga);
            return _dbContext.SaveChangesAsync(CancellationToken);
        });

    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public async Task Undo(SagaConsumeContext<TSaga> context)
    {
        await _inUse.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        try
        {
            var entry = _dbContext.ChangeTracker.Entries<TSaga>().FirstOrDefault(x => x.Entity.CorrelationId == context.Saga.CorrelationId);
            if (entry != null)
                entry.State = EntityState.Unchanged;
        }
        finally
        {
            _inUse.Release();
        }
    }

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        _factory.CreateSagaConsumeContext(_dbContext, consumeContext, instance, mode);

    async Task Write(SagaConsumeContext<TSaga> context, Func<Task> write)
    {
        await _inUse.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception exception) when (IsLostRace(exception))
        {
            throw new ConcurrencyException($"Saga {TypeCache<TSaga>.ShortName} {context.Saga.CorrelationId} was changed or created concurrently",
                typeof(TSaga), context.Saga.CorrelationId, exception);
        }
        finally
        {
            _inUse.Release();
        }
    }

    static bool IsLostRace(Exception exception) =>
        exception is not ConcurrencyException && (PostgresConcurrency.IsRetryable(exception) || PostgresConcurrency.IsUniqueViolation(exception));
}

/// <summary>Read-only access to saga instances outside a message (the query and load repositories).</summary>
public sealed class DbContextSagaRepositoryContext<TSaga> : BasePipeContext, QuerySagaRepositoryContext<TSaga>, LoadSagaRepositoryContext<TSaga>
    where TSaga : class, ISaga
{
    readonly DbContext _dbContext;
    readonly SagaRepositoryOptions<TSaga> _options;

    public DbContextSagaRepositoryContext(DbContext dbContext, SagaRepositoryOptions<TSaga> options, CancellationToken cancellationToken)
        : base(cancellationToken)
    {
        _dbContext = dbContext;
        _options = options;
    }

    // MassTransit's interface is not nullable-annotated; a missing instance is null.
    public Task<TSaga> Load(Guid correlationId) =>
        _options.Query(_dbContext).AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == correlationId, CancellationToken)!;

    public async Task<SagaRepositoryQueryContext<TSaga>> Query(ISagaQuery<TSaga> query, CancellationToken cancellationToken)
    {
        List<Guid> ids = await _dbContext.Set<TSaga>().AsNoTracking()
            .Where(query.FilterExpression)
            .Select(x => x.CorrelationId)
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        return new DefaultSagaRepositoryQueryContext<TSaga>(this, ids);
    }
}
