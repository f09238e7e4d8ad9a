using System.Text.RegularExpressions;
using System.Xml.Linq;
using NUnit.Framework;
using Shouldly;

namespace SagaFiles.Deployment.Tests;

/// <summary>
/// deploy/docker/Dockerfile checked offline (no Docker engine here): its restore layer copies the project file of every
/// project the API and the worker build from, and every file those import, so a new project reference or import cannot
/// break the image's restore unnoticed.
/// </summary>
public partial class Dockerfile_Specs
{
    [Test]
    public void The_restore_layer_copies_every_project_the_api_and_the_worker_reference()
    {
        var root = Repository.Root;
        var dockerfile = File.ReadAllText(Path.Combine(root, "deploy", "docker", "Dockerfile"));
        var copied = CopiedProject().Matches(dockerfile).Select(m => m.Groups["path"].Value).ToHashSet(StringComparer.Ordinal);
        var copiedImports = CopiedImport().Matches(dockerfile).Select(m => m.Groups["path"].Value).ToHashSet(StringComparer.Ordinal);

        var needed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var host in new[] { "src/SagaFiles.Api/SagaFiles.Api.csproj", "src/SagaFiles.Worker/SagaFiles.Worker.csproj" })
            AddWithReferences(root, host, needed);

        needed.Count.ShouldBeGreaterThanOrEqualTo(10);
        needed.Where(project => !copied.Contains(project)).ShouldBeEmpty("missing from the Dockerfile's COPY lines");
        var imports = needed.SelectMany(project => Imports(root, project)).Distinct(StringComparer.Ordinal).ToList();
        imports.ShouldContain("src/Hosts.props", "both hosts import their shared settings");
        imports.Where(import => !copiedImports.Contains(import)).ShouldBeEmpty("imported, and missing from the Dockerfile's COPY lines");
    }

    /// <summary>The files a project imports, relative to the repository's root.</summary>
    static IEnumerable<string> Imports(string root, string project) =>
        XDocument.Load(Path.Combine(root, project)).Descendants("Import")
            .Select(import => Path.GetRelativePath(root, Path.GetFullPath(Path.Combine(root, Path.GetDirectoryName(project)!, import.Attribute("Project")!.Value)))
                .Replace('\\', '/'));

    static void AddWithReferences(string root, string project, ISet<string> found)
    {
        if (!found.Add(project))
            return;
        var folder = Path.GetDirectoryName(project)!;
        foreach (var reference in XDocument.Load(Path.Combine(root, project)).Descendants("ProjectReference"))
        {
            var path = Path.GetRelativePath(root, Path.GetFullPath(Path.Combine(root, folder, reference.Attribute("Include")!.Value)))
                .Replace('\\', '/');
            AddWithReferences(root, path, found);
        }
    }

    [GeneratedRegex(@"^COPY\s+(?<path>\S+\.csproj)\s", RegexOptions.Multiline)]
    private static partial Regex CopiedProject();

    [GeneratedRegex(@"^COPY\s+(?<path>src/\S+\.props)\s", RegexOptions.Multiline)]
    private static partial Regex CopiedImport();
}
