using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using SagaFiles.Components.Data;
using SagaFiles.Persistence.Postgres.Migrations;
using SagaFiles.Testing;
using Shouldly;

namespace SagaFiles.Components.Tests.Data;

/// <summary>
/// An archive's children counted on Postgres as the worker counts them: concurrent reports in their own transactions, each
/// one statement on the archive's progress row, whichever arrives first, the count or the reports.
/// </summary>
public class ArchiveProgress_Specs
{
    ServiceProvider _services = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DatabaseRegistration.ConnectionStringName}"] = await TestStackSetUpFixture.Stack.CreateDatabaseAsync("archive_progress")
        }).Build();
        _services = new ServiceCollection().AddSagaFilesDatabase(configuration).BuildServiceProvider();
        await _services.MigrateAsync<SagaFilesDbContext>();
    }

    [OneTimeTearDown]
    public async Task Dispose() => await _services.DisposeAsync();

    [Test]
    public async Task Hundreds_of_concurrent_reports_are_all_counted_and_exactly_one_statement_sees_the_count_complete()
    {
        var archiveId = Guid.NewGuid();
        const int children = 400;
        // The archive's count arrives in the middle of its children's reports.
        var updates = Enumerable.Range(0, children + 1).Select(i => i == children / 2
            ? (Func<SagaFilesDbContext, Task<ArchiveProgress>>)(db => db.ExpectChildrenAsync(archiveId, children, CancellationToken.None))
            : db => db.CountChildAsync(archiveId, succeeded: i % 10 != 0, previouslySucceeded: null, CancellationToken.None));

        var results = new List<ArchiveProgress>();
        await Parallel.ForEachAsync(updates, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (update, _) =>
        {
            var result = await InTransactionAsync(update);
            lock (results)
                results.Add(result);
        });

        results.Count(r => r.AllChildrenFinished).ShouldBe(1, "only the last statement finds every child counted");
        var final = await ReadAsync(archiveId);
        (final.ChildCount, final.ChildrenCompleted, final.ChildrenFailed).ShouldBe((children, 360, 40));
    }

    [Test]
    public async Task Children_that_finish_before_the_archive_records_its_count_are_counted()
    {
        var archiveId = Guid.NewGuid();
        (await InTransactionAsync(db => db.CountChildAsync(archiveId, true, null, CancellationToken.None))).AllChildrenFinished.ShouldBeFalse();
        (await InTransactionAsync(db => db.CountChildAsync(archiveId, false, null, CancellationToken.None))).AllChildrenFinished.ShouldBeFalse();

        var expanded = await InTransactionAsync(db => db.ExpectChildrenAsync(archiveId, 2, CancellationToken.None));

        (expanded.AllChildrenFinished, expanded.ChildrenCompleted, expanded.ChildrenFailed).ShouldBe((true, 1, 1));
    }

    [Test]
    public async Task A_child_that_reports_again_moves_between_the_counts_and_the_count_stays_complete()
    {
        var archiveId = Guid.NewGuid();
        await InTransactionAsync(db => db.ExpectChildrenAsync(archiveId, 1, CancellationToken.None));
        (await InTransactionAsync(db => db.CountChildAsync(archiveId, false, null, CancellationToken.None))).AllChildrenFinished.ShouldBeTrue();

        var retried = await InTransactionAsync(db => db.CountChildAsync(archiveId, true, previouslySucceeded: false, CancellationToken.None));

        (retried.AllChildrenFinished, retried.ChildrenCompleted, retried.ChildrenFailed).ShouldBe((true, 1, 0));
    }

    [Test]
    public async Task A_rolled_back_report_counts_nothing()
    {
        var archiveId = Guid.NewGuid();
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.CountChildAsync(archiveId, true, null, CancellationToken.None);
            await transaction.RollbackAsync();
        }

        (await InTransactionAsync(db => db.ExpectChildrenAsync(archiveId, 1, CancellationToken.None))).ChildrenCompleted.ShouldBe(0);
    }

    [Test]
    public async Task Children_go_a_window_at_a_time_each_report_lets_the_next_go_and_none_goes_twice()
    {
        var archiveId = Guid.NewGuid();
        const int children = 100, window = 8;
        var messages = Enumerable.Range(0, children).Select(i => $$"""{"ordinal":{{i}}}""").ToList();
        await InTransactionAsync(async db =>
        {
            await db.RecordChildrenAsync(archiveId, 0, messages[..60], CancellationToken.None);
            await db.RecordChildrenAsync(archiveId, 60, messages[60..], CancellationToken.None);
            await db.RecordChildrenAsync(archiveId, 0, ["""{"ordinal":-1}"""], CancellationToken.None); // a repeat adds nothing
            return await db.ExpectChildrenAsync(archiveId, children, CancellationToken.None);
        });

        var first = await InTransactionAsync(db => db.ReleaseChildrenAsync(archiveId, window, CancellationToken.None));
        (await InTransactionAsync(db => db.ReleaseChildrenAsync(archiveId, window, CancellationToken.None))).ShouldBeEmpty("nothing finished yet");

        // Every child reports at once, each counting and releasing in its own transaction.
        var released = new List<IReadOnlyList<string>>();
        await Parallel.ForEachAsync(Enumerable.Range(0, children), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
        {
            var next = await InTransactionAsync(async db =>
            {
                await db.CountChildAsync(archiveId, succeeded: true, previouslySucceeded: null, CancellationToken.None);
                return await db.ReleaseChildrenAsync(archiveId, window, CancellationToken.None);
            });
            lock (released)
                released.Add(next);
        });

        first.Select(Ordinal).ShouldBe(Enumerable.Range(0, window));
        released.Count(r => r.Count == 1).ShouldBe(children - window, "each report lets exactly one more go while any are left");
        released.Count(r => r.Count == 0).ShouldBe(window);
        first.Concat(released.SelectMany(r => r)).Select(Ordinal).Order().ShouldBe(Enumerable.Range(0, children));
        (await ReadAsync(archiveId)).ChildrenReleased.ShouldBe(children);

        (await InTransactionAsync(async db =>
        {
            await db.ForgetChildrenAsync(archiveId, CancellationToken.None);
            return await db.ArchiveChildren.CountAsync(c => c.ArchiveId == archiveId);
        })).ShouldBe(0);
    }

    static int Ordinal(string message) => System.Text.Json.JsonDocument.Parse(message).RootElement.GetProperty("ordinal").GetInt32();

    /// <summary>Runs <paramref name="update" /> in a transaction of its own, as the consumer's outbox does.</summary>
    async Task<T> InTransactionAsync<T>(Func<SagaFilesDbContext, Task<T>> update)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var result = await update(db);
        await transaction.CommitAsync();
        return result;
    }

    async Task<ArchiveProgress> ReadAsync(Guid archiveId)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>().ArchiveProgress.SingleAsync(p => p.FileId == archiveId);
    }
}
