using SagaFiles.Processing.Conversion;

namespace SagaFiles.Processing.Tests.Support;

/// <summary>Runs <see cref="CsvToParquetConverter" /> on bytes in memory and opens its output for assertions.</summary>
static class CsvConversion
{
    public static async Task<(ConversionResult Result, ParquetFile File)> Convert(byte[] csv,
        CsvConversionOptions? options = null)
    {
        await using var input = new MemoryStream(csv);
        await using var output = new MemoryStream();
        var result = await new CsvToParquetConverter().ConvertAsync(input, output, options ?? CsvConversionOptions.Csv);
        return (result, new ParquetFile(output.ToArray()));
    }

    /// <summary>The conversion's failure; fails the test when it succeeds.</summary>
    public static Task<ConversionException> Failure(byte[] csv, CsvConversionOptions? options = null) =>
        Should.ThrowAsync<ConversionException>(() => Convert(csv, options));
}
