using SagaFiles.Processing.IO;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SagaFiles.Components.Consumers;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;
using SagaFiles.Components.Steps;
using SagaFiles.Intake;
using SagaFiles.Persistence.Postgres;
using SagaFiles.Processing.Hashing;
using SagaFiles.Storage;

namespace SagaFiles.Sources.Folders;

/// <summary>
/// A watched folder's files through the ledger (<see cref="FolderFile" />): a complete file is recorded before it is
/// submitted (its row's id is its idempotency key, so a crash in between submits it again harmlessly), and once its file
/// is Completed or Failed it is moved to <c>processed/</c> or <c>failed/</c> (and its results written out, if configured).
/// Scoped: one database context per pass.
/// </summary>
sealed class FolderLedger(SagaFilesDbContext db, FileIntake intake, IObjectStore store, OutputManifests manifests, IServiceScopeFactory scopes,
    TimeProvider clock, ILogger<FolderLedger> logger)
{
    /// <summary>How long a submission holds its row (<see cref="LedgerHold" />).</summary>
    public static readonly TimeSpan Hold = LedgerHold.Hold;

    /// <summary>Takes a complete file in, once per version.</summary>
    /// <returns>False when the file changed while it was read: it is still being written.</returns>
    public async Task<bool> TakeAsync(FolderSourceOptions folder, FileVersion version, CancellationToken cancellationToken)
    {
        var known = await db.FolderFiles.FirstOrDefaultAsync(f => f.Path == version.Path && f.Size == version.Size && f.ModifiedAt == version.ModifiedAt,
            cancellationToken);
        if (known is not null)
        {
            // Settled before a restart could move it: move it now.
            if (known is { Status: FolderFileStatus.Completed or FolderFileStatus.Failed, MovedTo: null })
                await MoveAsync(folder, known, cancellationToken);
            return true;
        }

        string sha256;
        try
        {
            await using var content = Open(version.Path);
            sha256 = (await Sha256.ComputeAsync(content, cancellationToken)).Hex;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await RecordUnreadableAsync(folder, version, e, cancellationToken);
            return true;
        }

        if (FileVersion.Of(version.Path) != version)
            return false;
        var row = Record(folder, version, sha256);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (PostgresConcurrency.IsUniqueViolation(e))
        {
            // Another instance took it first.
            db.ChangeTracker.Clear();
            return true;
        }

        await SubmitAsync(folder, row, cancellationToken);
        return true;
    }

    /// <summary>Moves on the folder's files whose outcome is known, and submits again those left Submitting too long.</summary>
    public async Task SettleAsync(FolderSourceOptions folder, CancellationToken cancellationToken)
    {
        var prefix = Path.TrimEndingDirectorySeparator(folder.Path) + "/";
        var now = clock.GetUtcNow();
        foreach (var row in await db.FolderFiles.Where(f => f.Status == FolderFileStatus.Submitting && f.HeldUntil < now && f.Path.StartsWith(prefix))
                     .Take(20).ToListAsync(cancellationToken))
        {
            // Claimed by one instance only: the one whose update finds the hold still expired.
            var claimed = await db.FolderFiles.Where(f => f.Id == row.Id && f.Status == FolderFileStatus.Submitting && f.HeldUntil < now)
                .ExecuteUpdateAsync(u => u.SetProperty(f => f.HeldUntil, now + Hold), cancellationToken);
            if (claimed == 1)
                await SubmitAsync(folder, row, cancellationToken);
        }

        var settled = await db.FolderFiles.Where(f => f.Status == FolderFileStatus.Submitted && f.Path.StartsWith(prefix))
            .Join(db.Files.Where(x => x.CurrentState == FileStates.Completed || x.CurrentState == FileStates.Failed), f => f.FileId, x => (Guid?)x.CorrelationId,
                (f, x) => new { Row = f, File = x })
            .Take(50).ToListAsync(cancellationToken);
        foreach (var (row, file) in settled.Select(s => (s.Row, s.File)))
        {
            var completed = file.CurrentState == FileStates.Completed;
            if (completed && folder.ResultsPath is { } results)
                await WriteResultsAsync(file, results, cancellationToken);
            (row.Status, row.Error, row.SettledAt) = (completed ? FolderFileStatus.Completed : FolderFileStatus.Failed,
                completed ? null : file.ErrorMessage, clock.GetUtcNow());
            await MoveAsync(folder, row, cancellationToken);
        }
    }

    async Task SubmitAsync(FolderSourceOptions folder, FolderFile row, CancellationToken cancellationToken)
    {
        var (result, unreadable) = await LedgerHold.WhileHeldAsync(scopes, clock, logger, row.Id, (other, until, ct) => other.FolderFiles
            .Where(f => f.Id == row.Id && f.Status == FolderFileStatus.Submitting)
            .ExecuteUpdateAsync(u => u.SetProperty(f => f.HeldUntil, until), ct), async () =>
        {
            try
            {
                await using var content = Open(row.Path);
                return ((IntakeResult?)await intake.SubmitAsync(new IntakeRequest
                {
                    Name = Path.GetFileName(row.Path), Content = IntakeContent.FromSource(content), Tenant = row.Tenant,
                    Tags = IntakeTags.From(folder.Tags), IdempotencyKey = "folder-" + row.Id.ToString("N")
                }, cancellationToken), (string?)null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return ((IntakeResult?)null, $"The file could not be read: {e.Message}");
            }
        }, cancellationToken);

        if (result?.Receipt is { } file)
        {
            (row.FileId, row.Status) = (file.FileId, FolderFileStatus.Submitted);
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Folder {Folder}: {Path} taken as file {FileId}", folder.Path, row.Path, file.FileId);
        }
        else
            await FailAsync(folder, row, unreadable ?? $"The intake refused it: {result}", cancellationToken);
    }

    async Task RecordUnreadableAsync(FolderSourceOptions folder, FileVersion version, Exception e, CancellationToken cancellationToken)
    {
        var reason = e is FileNotFoundException or DirectoryNotFoundException
            ? "The file vanished before it could be read."
            : $"The file could not be read: {e.Message}";
        var row = Record(folder, version, sha256: "");
        try
        {
            await FailAsync(folder, row, reason, cancellationToken);
        }
        catch (DbUpdateException unique) when (PostgresConcurrency.IsUniqueViolation(unique))
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>A new row for the version, held by this instance while it submits it.</summary>
    FolderFile Record(FolderSourceOptions folder, FileVersion version, string sha256)
    {
        var now = clock.GetUtcNow();
        var row = new FolderFile
        {
            Id = Guid.NewGuid(), Path = version.Path, Size = version.Size, ModifiedAt = version.ModifiedAt, Sha256 = sha256, Tenant = folder.Tenant,
            Status = FolderFileStatus.Submitting, TakenAt = now, HeldUntil = now + Hold
        };
        db.FolderFiles.Add(row);
        return row;
    }

    async Task FailAsync(FolderSourceOptions folder, FolderFile row, string reason, CancellationToken cancellationToken)
    {
        (row.Status, row.Error, row.SettledAt) = (FolderFileStatus.Failed, reason, clock.GetUtcNow());
        logger.LogWarning("Folder {Folder}: {Path} failed: {Reason}", folder.Path, row.Path, reason);
        await MoveAsync(folder, row, cancellationToken);
    }

    /// <summary>Moves the file beside it by its outcome, unless it changed since it was taken (then it is a new version, taken anew).</summary>
    async Task MoveAsync(FolderSourceOptions folder, FolderFile row, CancellationToken cancellationToken)
    {
        var target = Path.Combine(row.Status == FolderFileStatus.Completed ? folder.ProcessedPath : folder.FailedPath, Path.GetFileName(row.Path));
        var now = FileVersion.Of(row.Path);
        if (now is not null && now.Size == row.Size && now.ModifiedAt == row.ModifiedAt)
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                // A file of the same name moved earlier stays: this one gets its ledger id in its name.
                if (File.Exists(target))
                    target = Path.Combine(Path.GetDirectoryName(target)!,
                        $"{Path.GetFileNameWithoutExtension(target)}.{row.Id.ToString("N")[..8]}{Path.GetExtension(target)}");
                File.Move(row.Path, target);
                row.MovedTo = target;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(e, "Folder {Folder}: {Path} could not be moved to {Target}", folder.Path, row.Path, target);
            }

        // Gone: nothing is left to move (empty, not null, so no later pass tries). Replaced by a new version: that one is
        // taken anew, and this row is never looked up again. A move that failed stays null and is tried on the next listing.
        if (now is null)
            row.MovedTo ??= "";
        await db.SaveChangesAsync(cancellationToken);
    }

    async Task WriteResultsAsync(FileState file, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        foreach (var output in await manifests.ReadAsync(file.Outputs, file.OutputManifest, cancellationToken))
        {
            var target = Path.Combine(folder, Processing.FileNames.Sanitize(output.Name));
            await using (var source = await store.OpenReadAsync(output.Bucket, output.Key, cancellationToken))
            await using (var written = new FileStream(target + ".partial", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                await source.CopyToAsync(written, cancellationToken);
            File.Move(target + ".partial", target, overwrite: true);
        }
    }

    static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
}
