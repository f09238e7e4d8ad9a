using Microsoft.Extensions.Options;
using SagaFiles.Persistence.Postgres.Outbox;

namespace SagaFiles.Persistence.Postgres.Tests;

/// <summary>
/// The delivery service's wake-up call: an outbox committed while the service was busy delivering must not wait for the
/// next poll (the service no longer queries an empty table after every round to catch it).
/// </summary>
[TestFixture]
public class PendingBusOutboxNotification_Specs
{
    static readonly TimeSpan Soon = TimeSpan.FromSeconds(5);

    static PendingBusOutboxNotification Notification() =>
        new(Options.Create(new OutboxDeliveryServiceOptions { QueryDelay = TimeSpan.FromMinutes(10) }));

    [Test]
    public async Task A_signal_raised_before_the_wait_ends_the_next_wait_at_once()
    {
        var notification = Notification();

        notification.Delivered();

        await notification.WaitForDelivery(CancellationToken.None).WaitAsync(Soon);
    }

    [Test]
    public async Task A_signal_wakes_a_waiting_service_once()
    {
        var notification = Notification();
        var waiting = notification.WaitForDelivery(CancellationToken.None);
        waiting.IsCompleted.ShouldBeFalse();

        notification.Delivered();
        await waiting.WaitAsync(Soon);

        var next = notification.WaitForDelivery(CancellationToken.None);
        await Task.Delay(200);
        next.IsCompleted.ShouldBeFalse("the signal was used up by the first wait");
        notification.Delivered();
        await next.WaitAsync(Soon);
    }

    [Test]
    public async Task Without_a_signal_the_wait_ends_after_the_query_delay()
    {
        var notification = new PendingBusOutboxNotification(
            Options.Create(new OutboxDeliveryServiceOptions { QueryDelay = TimeSpan.FromMilliseconds(100) }));

        await notification.WaitForDelivery(CancellationToken.None).WaitAsync(Soon);
    }
}
