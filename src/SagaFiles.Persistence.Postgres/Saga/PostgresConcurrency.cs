using MassTransit;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace SagaFiles.Persistence.Postgres;

/// <summary>
/// Tells the database failures that mean "someone else changed this row first, try again" apart from real errors.
/// </summary>
public static class PostgresConcurrency
{
    public const string SerializationFailure = "40001";
    public const string DeadlockDetected = "40P01";
    public const string UniqueViolation = "23505";

    /// <summary>
    /// True for a lost optimistic update (<see cref="DbUpdateConcurrencyException" />, MassTransit's
    /// <see cref="ConcurrencyException" />) and for Postgres serialization failures and deadlocks, anywhere in the chain.
    /// </summary>
    public static bool IsRetryable(Exception exception)
    {
        for (var current = exception; current != null; current = current.InnerException)
        {
            switch (current)
            {
                case ConcurrencyException:
                case DbUpdateConcurrencyException:
                case PostgresException { SqlState: SerializationFailure or DeadlockDetected }:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsRetryable):
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when the database was unreachable rather than the work wrong: a connection refused, broken or terminated by a
    /// restart or failover (Npgsql's <see cref="NpgsqlException.IsTransient" />), anywhere in the chain. The same work
    /// succeeds once the server is back. Concurrency conflicts are <see cref="IsRetryable" />'s, not this.
    /// </summary>
    public static bool IsOutage(Exception exception)
    {
        if (IsRetryable(exception))
            return false;
        for (var current = exception; current != null; current = current.InnerException)
        {
            switch (current)
            {
                case NpgsqlException { IsTransient: true }:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsOutage):
                    return true;
            }
        }

        return false;
    }

    /// <summary>True when the chain holds a Postgres unique violation (23505).</summary>
    public static bool IsUniqueViolation(Exception exception) =>
        FindPostgresException(exception) is { SqlState: UniqueViolation };

    static PostgresException? FindPostgresException(Exception exception)
    {
        for (var current = exception; current != null; current = current.InnerException)
        {
            if (current is PostgresException postgres)
                return postgres;
        }

        return null;
    }
}
