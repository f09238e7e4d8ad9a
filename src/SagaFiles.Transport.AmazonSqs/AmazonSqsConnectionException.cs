using System.Net;
using Amazon.Runtime;
using SagaFiles.Transport.AmazonSqs.Sns;

namespace SagaFiles.Transport.AmazonSqs;

/// <summary>
/// A send to a queue or a publish to a topic failed. A MassTransit <see cref="ConnectionException" />, so code above the
/// transport reads <see cref="ConnectionException.IsTransient" /> without knowing AWS: throttling, server errors, timeouts
/// and requests that got no answer are transient; anything else (access denied, a bad request) is not.
/// </summary>
public sealed class AmazonSqsConnectionException(string message, Exception innerException)
    : ConnectionException(message, innerException, IsTransientError(innerException))
{
    /// <summary>Whether an SQS or SNS error is worth another try in a moment.</summary>
    public static bool IsTransientError(Exception exception) => exception switch
    {
        AmazonSnsException sns => sns.IsTransient,
        AmazonServiceException sqs => (int)sqs.StatusCode >= 500 || sqs.StatusCode == HttpStatusCode.TooManyRequests ||
            SnsErrorCodes.IsThrottling(sqs.ErrorCode ?? "") || sqs.InnerException is HttpRequestException or IOException or TimeoutException,
        _ => false
    };

    /// <summary>The errors this exception stands for (the SQS SDK's and our SNS client's).</summary>
    internal static bool Wraps(Exception exception) => exception is AmazonServiceException or AmazonSnsException;
}
