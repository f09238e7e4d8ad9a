using System.Diagnostics;
using System.Globalization;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Processors;

namespace SagaFiles.Processing.Tests.Support;

/// <summary>
/// The test assembly run as a program (<c>dotnet SagaFiles.Processing.Tests.dll ...</c>), so that a spec can measure
/// a conversion's peak memory in a process of its own and bench/hostile.sh can generate its inputs:
/// <list type="bullet">
/// <item><c>generate CLASS BYTES DIR</c>: writes a <see cref="HostileInputs" /> file into DIR and prints its path;</item>
/// <item><c>convert CLASS BYTES [Limit=value ...]</c>: converts one in memory with <see cref="ParquetConversionProcessor" />
/// and the given <see cref="ProcessingLimits" />, and prints <c>outcome=... seconds=... vmhwm_kb=... reason=...</c>.</item>
/// </list>
/// </summary>
public static class Probe
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["generate", var kind, var bytes, var directory])
        {
            var input = HostileInputs.Generate(Enum.Parse<HostileClass>(kind), int.Parse(bytes, CultureInfo.InvariantCulture));
            var path = Path.Combine(directory, input.FileName);
            await File.WriteAllBytesAsync(path, input.Content);
            Console.WriteLine(path);
            return 0;
        }

        if (args is ["convert", var convertKind, var convertBytes, .. var limits])
        {
            var input = HostileInputs.Generate(Enum.Parse<HostileClass>(convertKind), int.Parse(convertBytes, CultureInfo.InvariantCulture));
            Console.WriteLine(await ConvertAsync(input, Limits(limits)));
            return 0;
        }

        await Console.Error.WriteLineAsync("usage: generate CLASS BYTES DIR | convert CLASS BYTES [Limit=value ...]; classes: " +
                                           string.Join(", ", Enum.GetNames<HostileClass>()));
        return 2;
    }

    static async Task<string> ConvertAsync(HostileInput input, ProcessingLimits limits)
    {
        var clock = Stopwatch.StartNew();
        string outcome, reason;
        using (var content = new MemoryStream(input.Content, writable: false))
        {
            var type = FileTypeDetector.Detect(input.Content.AsSpan(0, Math.Min(input.Content.Length, FileTypeDetector.PrefixLength)),
                input.FileName);
            try
            {
                var result = await new ParquetConversionProcessor(limits).ProcessAsync(
                    new ProcessingInput(content, input.FileName, type, ArchiveDepth: 0), new MemoryOutputs(), CancellationToken.None);
                (outcome, reason) = ("Completed", $"{result.Results.Count} results");
            }
            catch (ConversionException e)
            {
                (outcome, reason) = ("Failed", e.Message);
            }
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"outcome={outcome} seconds={clock.Elapsed.TotalSeconds:F2} vmhwm_kb={PeakResidentKilobytes()} reason={reason}");
    }

    /// <summary>Limits from Name=value arguments over the defaults.</summary>
    static ProcessingLimits Limits(string[] settings)
    {
        var limits = ProcessingLimits.Default;
        foreach (var setting in settings)
        {
            var (name, value) = (setting[..setting.IndexOf('=')], int.Parse(setting[(setting.IndexOf('=') + 1)..], CultureInfo.InvariantCulture));
            limits = name switch
            {
                nameof(ProcessingLimits.MaxColumns) => limits with { MaxColumns = value },
                nameof(ProcessingLimits.MaxNameLength) => limits with { MaxNameLength = value },
                nameof(ProcessingLimits.MaxJsonDepth) => limits with { MaxJsonDepth = value },
                nameof(ProcessingLimits.MaxFlattenedColumns) => limits with { MaxFlattenedColumns = value },
                nameof(ProcessingLimits.MaxTables) => limits with { MaxTables = value },
                nameof(ProcessingLimits.MaxCellsPerRowGroup) => limits with { MaxCellsPerRowGroup = value },
                _ => throw new ArgumentException($"No limit named {name}.")
            };
        }

        return limits;
    }

    /// <summary>VmHWM: the most memory the process has held resident.</summary>
    public static long PeakResidentKilobytes() =>
        File.ReadLines("/proc/self/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => long.Parse(l["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)).Single();
}
