using SagaFiles.Components.Consumers;
using SagaFiles.Processing.Archives;
using SagaFiles.Processing.Conversion;
using SagaFiles.Storage;

namespace SagaFiles.Components;

/// <summary>
/// Errors that another attempt cannot fix (the content is invalid, the upload is gone): steps do not retry them and
/// the saga fails the file at once with their message. Everything else is treated as transient.
/// </summary>
public static class PermanentFailures
{
    /// <summary>
    /// Listed one by one, subclasses too: a fault names its exception's exact type (ArchiveRejectedException, not its base
    /// ConversionException).
    /// </summary>
    public static readonly Type[] Types =
    [
        typeof(InvalidFileException), typeof(ConversionException), typeof(ArchiveRejectedException), typeof(ObjectNotFoundException)
    ];

    static readonly HashSet<string> TypeNames = Types.Select(t => t.FullName!).ToHashSet(StringComparer.Ordinal);

    /// <summary>Whether a fault's exception type (as in <c>Fault&lt;T&gt;.Exceptions</c>) is permanent.</summary>
    public static bool IsPermanent(string? exceptionType) => exceptionType != null && TypeNames.Contains(exceptionType);

    public static void IgnorePermanent(this IExceptionConfigurator configurator) => configurator.Ignore(Types);
}
