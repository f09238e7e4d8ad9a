using System.Net;

namespace SagaFiles.Transport.AmazonSqs.Sns;

/// <summary>An error response from SNS (or a response that could not be understood).</summary>
public sealed class AmazonSnsException : Exception
{
    public AmazonSnsException(string code, string message, HttpStatusCode statusCode, string? requestId, string? errorType,
        Exception? innerException = null)
        : base($"SNS error {code} (HTTP {(int)statusCode}{(requestId == null ? "" : ", request " + requestId)}): {message}", innerException)
    {
        Code = code;
        ErrorMessage = message;
        StatusCode = statusCode;
        RequestId = requestId;
        ErrorType = errorType;
    }

    /// <summary>The SNS error code, e.g. NotFound, InvalidParameter, Throttling, AuthorizationError.</summary>
    public string Code { get; }

    /// <summary>The message SNS returned, without the code and status prefix of <see cref="Exception.Message" />.</summary>
    public string ErrorMessage { get; }

    public HttpStatusCode StatusCode { get; }

    public string? RequestId { get; }

    /// <summary>Sender (the request is at fault) or Receiver (SNS is), when SNS says.</summary>
    public string? ErrorType { get; }

    /// <summary>Throttling or a server-side failure: worth another try after a pause.</summary>
    public bool IsTransient => (int)StatusCode >= 500 || StatusCode == HttpStatusCode.TooManyRequests || SnsErrorCodes.IsThrottling(Code);
}

/// <summary>A request that SNS would reject (size, attribute count, empty value, topic name), refused before sending.</summary>
public sealed class AmazonSnsValidationException(string message, string? paramName = null) : ArgumentException(message, paramName);

static class SnsErrorCodes
{
    static readonly HashSet<string> Throttling = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "RequestLimitExceeded", "RequestThrottled", "KMSThrottling", "ServiceUnavailable", "InternalError", "InternalFailure"
    };

    public static bool IsThrottling(string code) => Throttling.Contains(code);
}
