namespace SagaFiles.DevStack;

/// <summary>The Docker engine, when one answers: the tests use it through Testcontainers, <c>./sagafiles up</c> through docker-compose.yml.</summary>
public static class DockerEngine
{
    /// <summary>True when <c>docker info</c> exits 0 within a few seconds.</summary>
    public static async Task<bool> IsAvailableAsync(CancellationToken ct)
    {
        if (Tools.FindOnPath("docker") is not { } docker)
            return false;
        try
        {
            var result = await Tools.RunAsync(docker, ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(5), ct);
            return result.ExitCode == 0;
        }
        catch (Exception e) when (e is TimeoutException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary><c>docker compose ARGS</c> in the repository, with the images and ports of <see cref="StackDefaults" />.</summary>
    public static async Task ComposeAsync(string[] arguments, CancellationToken ct)
    {
        var result = await Tools.RunAsync("docker", ["compose", .. arguments], TimeSpan.FromMinutes(10), ct, environment: new Dictionary<string, string>
        {
            ["SAGAFILES_LOCALSTACK_IMAGE"] = StackDefaults.LocalStackImage,
            ["SAGAFILES_POSTGRES_IMAGE"] = StackDefaults.PostgresImage,
            ["SAGAFILES_AWS_PORT"] = StackDefaults.AwsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SAGAFILES_POSTGRES_PORT"] = StackDefaults.PostgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"docker compose {string.Join(' ', arguments)} failed with exit code {result.ExitCode}:\n{Tools.Tail(result.Output)}");
    }
}
