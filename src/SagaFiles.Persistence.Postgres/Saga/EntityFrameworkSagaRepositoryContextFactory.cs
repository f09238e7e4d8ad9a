using MassTransit;
using MassTransit.EntityFrameworkCoreIntegration;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace MassTransit.EntityFrameworkCoreIntegration
{
    /// <summary>
    /// Present on a consume context whose filter (the outbox) already runs a database transaction: the saga repository then
    /// joins it instead of opening its own, so the saga's changes and the outbox messages commit together.
    /// </summary>
    public interface DbTransactionContext
    {
        Guid TransactionId { get; }
    }
}

namespace SagaFiles.Persistence.Postgres.Saga
{
    /// <summary>
    /// MassTransit's entry point into the saga table: one message at a time, inside a transaction (its own, or the outbox's).
    /// </summary>
    public sealed class EntityFrameworkSagaRepositoryContextFactory<TSaga> :
        ISagaRepositoryContextFactory<TSaga>,
        IQuerySagaRepositoryContextFactory<TSaga>,
        ILoadSagaRepositoryContextFactory<TSaga>
        where TSaga : class, ISaga
    {
        readonly ISagaConsumeContextFactory<DbContext, TSaga> _consumeContextFactory;
        readonly ISagaDbContextFactory<TSaga> _dbContextFactory;
        readonly SagaRepositoryOptions<TSaga> _options;

        public EntityFrameworkSagaRepositoryContextFactory(ISagaDbContextFactory<TSaga> dbContextFactory,
            ISagaConsumeContextFactory<DbContext, TSaga> consumeContextFactory, SagaRepositoryOptions<TSaga> options)
        {
            _dbContextFactory = dbContextFactory;
            _consumeContextFactory = consumeContextFactory;
            _options = options;
        }

        public void Probe(ProbeContext context)
        {
            context.Add("persistence", "entity-framework-postgres");
            context.Add("concurrencyMode", _options.ConcurrencyMode.ToString());
        }

        public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
            where T : class
        {
            var dbContext = _dbContextFactory.CreateScoped(context);
            try
            {
                async Task SendToPipe()
                {
                    using var repositoryContext = new DbContextSagaRepositoryContext<TSaga, T>(dbContext, context, _consumeContextFactory, _options);
                    await next.Send(repositoryContext).ConfigureAwait(false);
                }

                if (context.TryGetPayload(out DbTransactionContext? _))
                    await SendToPipe().ConfigureAwait(false);
                else
                    await InTransaction(dbContext, SendToPipe, context.CancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not ConcurrencyException && PostgresConcurrency.IsRetryable(exception))
            {
                // e.g. a serialization failure raised by the commit itself
                throw new ConcurrencyException($"Saga {TypeCache<TSaga>.ShortName} update conflicted", typeof(TSaga), context.CorrelationId ?? Guid.Empty,
                    exception);
            }
            finally
            {
                await _dbContextFactory.ReleaseAsync(dbContext).ConfigureAwait(false);
            }
        }

        public async Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
            where T : class
        {
            var dbContext = _dbContextFactory.CreateScoped(context);
            try
            {
                async Task SendToPipe()
                {
                    IQueryable<TSaga> instances = _options.Query(dbContext).AsTracking().Where(query.FilterExpression);
                    List<TSaga> loaded = await instances.ToListAsync(context.CancellationToken).ConfigureAwait(false);

                    using var repositoryContext = new DbContextSagaRepositoryContext<TSaga, T>(dbContext, context, _consumeContextFactory, _options);
                    var queryContext = new LoadedSagaRepositoryQueryContext<TSaga, T>(repositoryContext, loaded);

                    await next.Send(queryContext).ConfigureAwait(false);
                }

                if (context.TryGetPayload(out DbTransactionContext? _))
                    await SendToPipe().ConfigureAwait(false);
                else
                    await InTransaction(dbContext, SendToPipe, context.CancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await _dbContextFactory.ReleaseAsync(dbContext).ConfigureAwait(false);
            }
        }

        public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
            where T : class =>
            ExecuteReadOnly(asyncMethod, cancellationToken);

        public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
            where T : class =>
            ExecuteReadOnly(asyncMethod, cancellationToken);

        async Task<T> ExecuteReadOnly<T>(Func<DbContextSagaRepositoryContext<TSaga>, Task<T>> method, CancellationToken cancellationToken)
        {
            var dbContext = _dbContextFactory.Create();
            try
            {
                return await method(new DbContextSagaRepositoryContext<TSaga>(dbContext, _options, cancellationToken)).ConfigureAwait(false);
            }
            finally
            {
                await _dbContextFactory.ReleaseAsync(dbContext).ConfigureAwait(false);
            }
        }

        async Task InTransaction(DbContext dbContext, Func<Task> work, CancellationToken cancellationToken)
        {
            async Task<bool> Attempt(CancellationToken token)
            {
                await using var transaction = await dbContext.Database.BeginTransactionAsync(_options.IsolationLevel, token).ConfigureAwait(false);
                try
                {
                    await work().ConfigureAwait(false);
                    await transaction.CommitAsync(token).ConfigureAwait(false);
                    return true;
                }
                catch
                {
                    await transaction.RollbackQuietlyAsync().ConfigureAwait(false);
                    throw;
                }
            }

            // A retrying execution strategy (EnableRetryOnFailure) only accepts user transactions inside ExecuteAsync.
            var strategy = dbContext.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(Attempt, cancellationToken).ConfigureAwait(false);
        }
    }
}
