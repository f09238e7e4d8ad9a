using MassTransit.EntityFrameworkCoreIntegration;

namespace SagaFiles.Persistence.Postgres.Tests;

[TestFixture]
public class InboxCleanup_Specs
{
    [Test]
    public async Task Inbox_rows_older_than_the_duplicate_detection_window_are_removed_and_newer_ones_kept()
    {
        var connectionString = await SampleDatabase.CreateAsync("inbox_cleanup");
        var now = DateTime.UtcNow;
        InboxState Row(DateTime received, DateTime? delivered) => new()
        {
            MessageId = NewId.NextGuid(),
            ConsumerId = NewId.NextGuid(),
            LockId = NewId.NextGuid(),
            Received = received,
            ReceiveCount = 1,
            Consumed = delivered,
            Delivered = delivered
        };

        var expired = Row(now.AddHours(-2), now.AddHours(-2));
        var recent = Row(now.AddMinutes(-5), now.AddMinutes(-5));
        var stillRunning = Row(now.AddHours(-2), null); // never delivered: kept, like the official service
        await using (var db = SampleDatabase.Open(connectionString))
        {
            db.Set<InboxState>().AddRange(expired, recent, stillRunning);
            await db.SaveChangesAsync();
        }

        await using var host = await TestHost.StartAsync(connectionString, x => x.AddEntityFrameworkOutbox<SampleDbContext>(o =>
        {
            o.UsePostgres();
            o.DuplicateDetectionWindow = TimeSpan.FromMinutes(30);
            o.QueryDelay = TimeSpan.FromMilliseconds(100);
        }));

        await SampleDatabase.WaitUntil(connectionString, async db => !await db.Set<InboxState>().AnyAsync(x => x.Id == expired.Id),
            TimeSpan.FromSeconds(30), "the expired inbox row removed");

        await using var check = SampleDatabase.Open(connectionString);
        var remaining = await check.Set<InboxState>().Select(x => x.Id).ToListAsync();
        remaining.ShouldBe([recent.Id, stillRunning.Id], ignoreOrder: true);
    }
}
