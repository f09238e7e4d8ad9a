using System.Data;
using MassTransit.EntityFrameworkCoreIntegration;

namespace MassTransit;

/// <summary>Settings of the EF Core inbox/outbox; the same members as MassTransit.EntityFrameworkCore's configurator.</summary>
public interface IEntityFrameworkOutboxConfigurator : ITransactionalOutboxConfigurator
{
    /// <summary>How long a consumed message's inbox row is kept to recognize a redelivered copy (default 30 minutes).</summary>
    TimeSpan DuplicateDetectionWindow { set; }

    IsolationLevel IsolationLevel { set; }

    ILockStatementProvider LockStatementProvider { set; }

    /// <summary>Delay between polls once nothing is waiting (delivery and cleanup services; default 10 s).</summary>
    TimeSpan QueryDelay { set; }

    /// <summary>Rows handled per query (default 100).</summary>
    int QueryMessageLimit { set; }

    /// <summary>Database query timeout (default 30 s).</summary>
    TimeSpan QueryTimeout { set; }

    void DisableInboxCleanupService();

    /// <summary>
    /// Also route <c>IPublishEndpoint</c>/<c>ISendEndpointProvider</c> used outside consumers through the outbox, delivered by
    /// a hosted delivery service.
    /// </summary>
    void UseBusOutbox(Action<IEntityFrameworkBusOutboxConfigurator>? configure = null);
}

public interface IEntityFrameworkBusOutboxConfigurator : IBusOutboxConfigurator
{
    /// <summary>Messages delivered per outbox per transaction (default 100).</summary>
    int MessageDeliveryLimit { set; }

    /// <summary>Transport send timeout per message (default 10 s).</summary>
    TimeSpan MessageDeliveryTimeout { get; set; }
}
