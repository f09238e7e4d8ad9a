using System.Data;
using MassTransit.EntityFrameworkCoreIntegration;
using Microsoft.EntityFrameworkCore;

namespace MassTransit;

/// <summary>Database settings of the outbox of one DbContext.</summary>
public class EntityFrameworkOutboxOptions<TDbContext>
    where TDbContext : DbContext
{
    /// <summary>
    /// ReadCommitted by default (the official package: RepeatableRead). On Postgres the inbox and outbox rows are locked
    /// explicitly, and RepeatableRead only adds serialization failures when a locked row changed since the snapshot.
    /// </summary>
    public IsolationLevel IsolationLevel { get; set; } = IsolationLevel.ReadCommitted;

    public ILockStatementProvider LockStatementProvider { get; set; } = new PostgresLockStatementProvider();
}
