using SagaFiles.Sources.Buckets;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Data;
using SagaFiles.Intake;

namespace SagaFiles.Sources.Folders;

/// <summary>Section <c>Sources</c>: the doors SagaFiles opens by itself.</summary>
public sealed class SourcesOptions
{
    public const string Section = "Sources";

    /// <summary><c>Sources:Folders:N</c>: folders whose files are taken in once completely written.</summary>
    public List<FolderSourceOptions> Folders { get; set; } = [];

    /// <summary><c>Sources:Buckets:N</c>: S3 buckets (or prefixes of them) whose objects are taken in, each version once.</summary>
    public List<BucketSourceOptions> Buckets { get; set; } = [];
}

/// <summary>One watched folder.</summary>
public sealed class FolderSourceOptions
{
    /// <summary>The folder (absolute, existing). Its own files are taken, not those in folders below it.</summary>
    public string Path { get; set; } = "";

    /// <summary>Whose files they become.</summary>
    public string Tenant { get; set; } = Tenants.Default;

    /// <summary>Tags given to every file taken from this folder.</summary>
    public Dictionary<string, string> Tags { get; set; } = [];

    /// <summary>A file is complete once its size and modification time have not changed for this long (or it arrived by a rename).</summary>
    public TimeSpan StableFor { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the whole folder is listed again, for whatever the file-system watcher dropped.</summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where a completed file's results are written (absolute); none: they stay in storage only.</summary>
    public string? ResultsPath { get; set; }

    /// <summary>Where a file is moved once Completed: <c>processed/</c> beside it.</summary>
    public string ProcessedPath => System.IO.Path.Combine(Path, "processed");

    /// <summary>Where a file is moved once Failed: <c>failed/</c> beside it.</summary>
    public string FailedPath => System.IO.Path.Combine(Path, "failed");
}

/// <summary>Checks every folder and bucket source at start-up, naming each wrong setting.</summary>
sealed class SourcesOptionsValidator : IValidateOptions<SourcesOptions>
{
    public ValidateOptionsResult Validate(string? name, SourcesOptions options)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Folders.Count; i++)
        {
            var folder = options.Folders[i];
            var at = $"Sources:Folders:{i}";
            if (!System.IO.Path.IsPathFullyQualified(folder.Path) || !Directory.Exists(folder.Path))
                problems.Add($"{at}:Path '{folder.Path}' must be an absolute path to an existing folder.");
            else if (!seen.Add(System.IO.Path.GetFullPath(folder.Path).TrimEnd('/')))
                problems.Add($"{at}:Path '{folder.Path}' is watched twice.");
            if (!Tenants.IsValid(folder.Tenant))
                problems.Add($"{at}:Tenant '{folder.Tenant}': {Tenants.Rule}.");
            if (IntakeTags.From(folder.Tags).Problem is { } tags)
                problems.Add($"{at}:Tags: {tags}");
            if (folder.StableFor < TimeSpan.FromMilliseconds(100) || folder.StableFor > TimeSpan.FromDays(1))
                problems.Add($"{at}:StableFor must be between 100 ms and 1 day.");
            if (folder.RescanInterval < TimeSpan.FromMilliseconds(100) || folder.RescanInterval > TimeSpan.FromDays(1))
                problems.Add($"{at}:RescanInterval must be between 100 ms and 1 day.");
            if (folder.ResultsPath is { } results && !System.IO.Path.IsPathFullyQualified(results))
                problems.Add($"{at}:ResultsPath '{results}' must be an absolute path.");
        }

        problems.AddRange(BucketSourceOptions.Problems(options.Buckets));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
