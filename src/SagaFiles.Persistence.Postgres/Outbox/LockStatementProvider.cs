using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MassTransit.EntityFrameworkCoreIntegration
{
    /// <summary>Builds the row-locking SQL the repository and the outbox use, from the DbContext's model (table and column names).</summary>
    public interface ILockStatementProvider
    {
        /// <summary>Locks one saga row by CorrelationId; the id is the single positional parameter <c>{0}</c>.</summary>
        string GetRowLockStatement<T>(DbContext context)
            where T : class;

        /// <summary>Locks the rows of <typeparamref name="T" /> matching the given properties, in order <c>{0}</c>, <c>{1}</c>, ...</summary>
        string GetRowLockStatement<T>(DbContext context, params string[] propertyNames)
            where T : class;

        /// <summary>Claims the oldest outbox that no other delivery service holds right now.</summary>
        string GetOutboxStatement(DbContext context);

        /// <summary>
        /// Deletes the outbox rows of one consumed message and marks its inbox row delivered, in one round trip (not in the
        /// official package: our inbox's first-sight path). Parameters: <c>{0}</c> MessageId, <c>{1}</c> ConsumerId,
        /// <c>{2}</c> Delivered, <c>{3}</c> LastSequenceNumber.
        /// </summary>
        string GetDeliveredStatement(DbContext context);
    }

    /// <summary>
    /// PostgreSQL: <c>SELECT ..., xmin ... FOR UPDATE</c> for single rows and <c>FOR UPDATE SKIP LOCKED</c> for the outbox
    /// sweep, so several delivery services (in any number of processes) each take a different outbox.
    /// </summary>
    public sealed class PostgresLockStatementProvider : ILockStatementProvider
    {
        // Keyed by model as well as type: two DbContext types may map the same entity to different tables.
        readonly ConcurrentDictionary<(IModel Model, Type Type, string Columns), string> _statements = new();
        readonly string? _defaultSchema;

        public PostgresLockStatementProvider(string? defaultSchema = null)
        {
            _defaultSchema = defaultSchema;
        }

        public string GetRowLockStatement<T>(DbContext context)
            where T : class => GetRowLockStatement<T>(context, nameof(ISaga.CorrelationId));

        public string GetRowLockStatement<T>(DbContext context, params string[] propertyNames)
            where T : class
        {
            return _statements.GetOrAdd((context.Model, typeof(T), string.Join(",", propertyNames)), key =>
            {
                var (table, columns) = Resolve(key.Model, key.Type, propertyNames);
                var where = string.Join(" AND ", columns.Select((column, i) => $"{column} = {{{i}}}"));
                return $"SELECT *, xmin FROM {table} WHERE {where} FOR UPDATE";
            });
        }

        public string GetOutboxStatement(DbContext context)
        {
            return _statements.GetOrAdd((context.Model, typeof(OutboxState), "outbox"), key =>
            {
                var (table, columns) = Resolve(key.Model, key.Type, nameof(OutboxState.Created));
                return $"SELECT *, xmin FROM {table} ORDER BY {columns[0]} LIMIT 1 FOR UPDATE SKIP LOCKED";
            });
        }

        public string GetDeliveredStatement(DbContext context)
        {
            return _statements.GetOrAdd((context.Model, typeof(InboxState), "delivered"), key =>
            {
                var (outbox, messageColumns) = Resolve(key.Model, typeof(OutboxMessage), nameof(OutboxMessage.InboxMessageId),
                    nameof(OutboxMessage.InboxConsumerId));
                var (inbox, inboxColumns) = Resolve(key.Model, typeof(InboxState), nameof(InboxState.MessageId), nameof(InboxState.ConsumerId),
                    nameof(InboxState.Delivered), nameof(InboxState.LastSequenceNumber));
                return $"DELETE FROM {outbox} WHERE {messageColumns[0]} = {{0}} AND {messageColumns[1]} = {{1}}; " +
                       $"UPDATE {inbox} SET {inboxColumns[2]} = {{2}}, {inboxColumns[3]} = {{3}} WHERE {inboxColumns[0]} = {{0}} AND {inboxColumns[1]} = {{1}}";
            });
        }

        (string Table, string[] Columns) Resolve(IModel model, Type type, params string[] propertyNames) =>
            StoreNames.Resolve(model, type, _defaultSchema, propertyNames);
    }

    /// <summary>Quoted table and column names of an entity, as the DbContext's model (and its naming conventions) maps them.</summary>
    static class StoreNames
    {
        public static (string Table, string[] Columns) Resolve(IModel model, Type type, string? defaultSchema, params string[] propertyNames)
        {
            var entityType = model.FindEntityType(type)
                ?? throw new InvalidOperationException($"{type.Name} is not part of the DbContext model; map it before using the repository or outbox.");
            var tableName = entityType.GetTableName()
                ?? throw new InvalidOperationException($"{type.Name} is not mapped to a table.");
            var schema = entityType.GetSchema() ?? defaultSchema;
            var store = StoreObjectIdentifier.Table(tableName, entityType.GetSchema());

            var columns = propertyNames.Select(name =>
            {
                var property = entityType.FindProperty(name)
                    ?? throw new InvalidOperationException($"{type.Name} has no mapped property {name}.");
                return Quote(property.GetColumnName(store) ?? throw new InvalidOperationException($"{type.Name}.{name} has no column."));
            }).ToArray();

            var table = string.IsNullOrEmpty(schema) ? Quote(tableName) : $"{Quote(schema)}.{Quote(tableName)}";
            return (table, columns);
        }

        static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
    }
}
