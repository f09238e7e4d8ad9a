using NUnit.Framework;

namespace SagaFiles.Deployment.Tests;

static class Repository
{
    /// <summary>The folder of SagaFiles.sln, above the test's output folder.</summary>
    public static string Root { get; } = Find();

    static string Find()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder != null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "SagaFiles.sln")))
                return folder.FullName;
        throw new DirectoryNotFoundException("No SagaFiles.sln above the test directory.");
    }
}
