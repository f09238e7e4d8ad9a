using System.Net;
using Amazon.Runtime;

namespace SagaFiles.Storage;

/// <summary>Which S3 errors are worth another try soon, and the <see cref="StorageException" /> each becomes.</summary>
public static class S3Errors
{
    static readonly HashSet<string> TransientErrorCodes =
        new(["SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "InternalError", "ServiceUnavailable"], StringComparer.Ordinal);

    /// <summary>S3 5xx, throttling and timeouts, and requests that never got an answer.</summary>
    public static bool IsTransient(AmazonServiceException exception) =>
        (int)exception.StatusCode >= 500 || exception.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout ||
        (exception.ErrorCode is { } code && TransientErrorCodes.Contains(code)) ||
        exception.InnerException is HttpRequestException or IOException or TimeoutException;

    /// <summary>The error as storage reports it: the same message, classified.</summary>
    public static StorageException ToStorageException(AmazonServiceException exception) =>
        new(exception.Message, IsTransient(exception), exception);
}
