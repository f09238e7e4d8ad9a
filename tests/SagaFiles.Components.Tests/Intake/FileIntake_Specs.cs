using System.Text;
using Microsoft.EntityFrameworkCore;
using NUnit.Framework;
using SagaFiles.Components.Consumers;
using SagaFiles.Components.Steps;
using SagaFiles.Components.Tests.Support;
using SagaFiles.Components.StateMachines;
using SagaFiles.Intake;
using SagaFiles.Storage;
using Shouldly;

namespace SagaFiles.Components.Tests.Intake;

/// <summary>The intake every door uses, against real Postgres (the record, the key, the outbox) and the emulator's S3.</summary>
public class FileIntake_Specs
{
    /// <summary>Just over one part, so an oversized stream is caught inside a multipart upload (which must then be aborted).</summary>
    const long MaxBytes = S3ObjectStore.PartSize + 1;

    IntakeHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() => _host = await IntakeHost.StartAsync(MaxBytes);

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    const string Tenant = "acme";

    static IntakeRequest Upload(string name, string content, string? key = null, string? tags = null) => new()
    {
        Tenant = Tenant, Name = name, ContentType = "text/csv", IdempotencyKey = key, Tags = IntakeTags.Parse(tags),
        Content = IntakeContent.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(content)))
    };

    static string UniqueName(string name) => $"{Guid.NewGuid():N}-{name}";

    [Test]
    public async Task A_stream_is_stored_under_its_last_path_segment_and_recorded_at_its_download_whose_command_commits_with_the_record()
    {
        var before = DateTimeOffset.UtcNow;
        var result = await _host.SubmitAsync(Upload("../../etc/ré\u0001port.csv", "a,b\n1,2\n", tags: "team=data, source = spec"));

        var file = result.ShouldBeOfType<IntakeResult.Accepted>().File;
        file.OriginalName.ShouldBe("../../etc/ré\u0001port.csv", "the record keeps the name as given");
        file.Size.ShouldBe(8);
        var record = await _host.QueryAsync(db => db.Files.AsNoTracking().SingleAsync(f => f.CorrelationId == file.FileId));
        record.CurrentState.ShouldBe(FileSagaStart.RecordedState);
        (record.CurrentStep, record.Attempt).ShouldBe((FileSteps.Download, 1));
        // The sweeper times the download out like any attempt, after the saga's step timeout as the settings give it.
        record.StepTimeoutAt.ShouldNotBeNull().ShouldBeInRange(before + IntakeHost.StepTimeout, DateTimeOffset.UtcNow + IntakeHost.StepTimeout);
        var entry = record.History.ShouldHaveSingleItem();
        (entry.From, entry.To, entry.Step, entry.Attempt).ShouldBe((FileStates.Pending, record.CurrentState, FileSteps.Download, 1));
        record.SourceBucket.ShouldBe(_host.IncomingBucket);
        record.SourceKey.ShouldBe($"{Tenant}/uploads/{file.FileId}/réport.csv");
        record.ContentType.ShouldBe("text/csv");
        record.Tags.ShouldBe(new Dictionary<string, string> { ["team"] = "data", ["source"] = "spec" }, ignoreOrder: true);
        (await _host.Storage.ReadAllAsync(_host.IncomingBucket, record.SourceKey)).ShouldBe("a,b\n1,2\n"u8.ToArray());
        (await _host.StartedDownloadsAsync(file.FileId)).ShouldBe(1);
    }

    [Test]
    public async Task A_repeated_key_answers_with_the_first_file_and_keeps_nothing_of_the_repeat()
    {
        var key = $"repeat-{Guid.NewGuid()}";
        var name = UniqueName("repeat.csv");

        var first = (await _host.SubmitAsync(Upload(name, "a\n1\n", key))).ShouldBeOfType<IntakeResult.Accepted>().File;
        var repeat = await _host.SubmitAsync(Upload(name, "a\n2\n3\n", key));

        repeat.ShouldBeOfType<IntakeResult.Replayed>().File.ShouldBe(first);
        (await _host.IncomingKeysAsync()).Count(k => k.EndsWith(name, StringComparison.Ordinal)).ShouldBe(1);
        (await _host.QueryAsync(db => db.Files.CountAsync(f => f.OriginalName == name))).ShouldBe(1);
        (await _host.StartedDownloadsAsync(first.FileId)).ShouldBe(1);
    }

    [Test]
    public async Task Concurrent_submissions_with_one_key_make_one_file_and_the_losers_bytes_are_deleted()
    {
        var key = $"burst-{Guid.NewGuid()}";
        var name = UniqueName("burst.csv");

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => _host.SubmitAsync(Upload(name, $"n\n{i}\n", key))));

        var accepted = results.OfType<IntakeResult.Accepted>().ShouldHaveSingleItem().File;
        results.OfType<IntakeResult.Replayed>().Select(r => r.File).ShouldAllBe(f => f == accepted);
        (await _host.IncomingKeysAsync()).Where(k => k.EndsWith(name, StringComparison.Ordinal))
            .ShouldBe([$"{Tenant}/uploads/{accepted.FileId}/{name}"]);
        (await _host.QueryAsync(db => db.Files.CountAsync(f => f.OriginalName == name))).ShouldBe(1);
        (await _host.StartedDownloadsAsync(accepted.FileId)).ShouldBe(1);
    }

    [Test]
    public async Task A_stream_over_the_limit_is_refused_and_its_parts_are_not_kept()
    {
        var name = UniqueName("big.bin");

        var result = await _host.SubmitAsync(new IntakeRequest { Tenant = Tenant, Name = name, Content = IntakeContent.FromStream(new GeneratedStream(MaxBytes + 1, seed: 3)) });

        result.ShouldBe(new IntakeResult.TooLarge(MaxBytes));
        (await _host.IncomingKeysAsync()).ShouldNotContain(k => k.EndsWith(name, StringComparison.Ordinal));
        (await _host.QueryAsync(db => db.Files.CountAsync(f => f.OriginalName == name))).ShouldBe(0);
    }

    [Test]
    public async Task A_local_file_over_the_plain_upload_limit_is_held_to_the_largest_file_limit_instead()
    {
        var result = await _host.SubmitAsync(new IntakeRequest
        {
            Tenant = Tenant, Name = UniqueName("folder.bin"), Content = IntakeContent.FromSource(new GeneratedStream(MaxBytes + 1, seed: 5))
        });

        result.ShouldBeOfType<IntakeResult.Accepted>().File.Size.ShouldBe(MaxBytes + 1);
    }

    [Test]
    public async Task A_stream_of_exactly_the_limit_is_accepted()
    {
        var result = await _host.SubmitAsync(new IntakeRequest { Tenant = Tenant, Name = UniqueName("edge.bin"), Content = IntakeContent.FromStream(new GeneratedStream(MaxBytes, seed: 4)) });

        result.ShouldBeOfType<IntakeResult.Accepted>().File.Size.ShouldBe(MaxBytes);
    }

    [Test]
    public async Task A_name_over_512_characters_or_a_malformed_key_is_refused_before_any_byte_is_read()
    {
        var unreadable = IntakeContent.FromStream(new UnreadableStream());

        (await _host.SubmitAsync(new IntakeRequest { Tenant = Tenant, Name = new string('n', 509) + ".csv", Content = unreadable }))
            .ShouldBe(new IntakeResult.NameTooLong(513, FileIntake.MaxNameLength));
        (await _host.SubmitAsync(new IntakeRequest { Tenant = Tenant, Name = "key.csv", IdempotencyKey = "tab\tinside", Content = unreadable }))
            .ShouldBeOfType<IntakeResult.InvalidIdempotencyKey>().Problem.ShouldContain("printable ASCII");
    }

    [Test]
    public async Task Tags_that_break_the_rules_are_refused_after_storing_and_the_stored_bytes_go()
    {
        var name = UniqueName("tags.csv");
        var stored = (await _host.StoreAsync(Upload(name, "a\n1\n"))).ShouldBeOfType<IntakeResult.Stored>().Request;
        (await _host.IncomingKeysAsync()).ShouldContain(k => k.EndsWith(name, StringComparison.Ordinal), "stored before the tags are known");

        var result = await _host.SubmitAsync(stored with { Tags = IntakeTags.Parse("no-equals-sign") });

        result.ShouldBeOfType<IntakeResult.InvalidTags>().Problem.ShouldContain("key=value");
        (await _host.IncomingKeysAsync()).ShouldNotContain(k => k.EndsWith(name, StringComparison.Ordinal));
        (await _host.QueryAsync(db => db.Files.CountAsync(f => f.OriginalName == name))).ShouldBe(0);
    }

    [Test]
    public async Task An_object_already_in_storage_is_recorded_where_it_is_and_a_repeat_leaves_it_there()
    {
        var key = $"drop/{Guid.NewGuid():N}/orders.csv";
        await _host.Storage.Store.PutAsync(_host.IncomingBucket, key, new MemoryStream("id\n1\n2\n"u8.ToArray()), "text/csv");
        var request = new IntakeRequest
        {
            Tenant = Tenant, Name = "orders.csv", IdempotencyKey = $"{_host.IncomingBucket}/{key}", Content = IntakeContent.FromObject(new ObjectLocation(_host.IncomingBucket, key)),
            Tags = IntakeTags.From(new Dictionary<string, string> { ["source"] = "bucket" })
        };

        var file = (await _host.SubmitAsync(request)).ShouldBeOfType<IntakeResult.Accepted>().File;
        (await _host.SubmitAsync(request)).ShouldBeOfType<IntakeResult.Replayed>().File.ShouldBe(file);

        file.Size.ShouldBe(7);
        var record = await _host.QueryAsync(db => db.Files.AsNoTracking().SingleAsync(f => f.CorrelationId == file.FileId));
        (record.SourceBucket, record.SourceKey, record.ContentType).ShouldBe((_host.IncomingBucket, key, "text/csv"));
        (await _host.IncomingKeysAsync(key)).ShouldBe([key]);
        (await _host.StartedDownloadsAsync(file.FileId)).ShouldBe(1);
    }

    [Test]
    public async Task An_object_that_is_not_there_is_refused_naming_it()
    {
        var missing = new ObjectLocation(_host.IncomingBucket, $"drop/{Guid.NewGuid():N}/gone.csv");

        (await _host.SubmitAsync(new IntakeRequest { Tenant = Tenant, Name = "gone.csv", Content = IntakeContent.FromObject(missing) }))
            .ShouldBe(new IntakeResult.ContentMissing(missing));
    }

    /// <summary>Fails the spec if anything reads it.</summary>
    sealed class UnreadableStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new AssertionException("the content was read");

        public override int Read(Span<byte> buffer) => throw new AssertionException("the content was read");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new AssertionException("the content was read");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            throw new AssertionException("the content was read");
    }
}
