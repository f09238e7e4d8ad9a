using System.Net;
using Amazon.Runtime;
using Amazon.SQS;
using SagaFiles.Transport.AmazonSqs.Sns;

namespace SagaFiles.Transport.AmazonSqs.Tests;

/// <summary>The transport classifies its own failures, so consumers above it need not know AWS's exception types.</summary>
public class TransportErrors_Specs
{
    [TestCase(HttpStatusCode.InternalServerError, "InternalError", true)]
    [TestCase(HttpStatusCode.BadRequest, "RequestThrottled", true)]
    [TestCase(HttpStatusCode.TooManyRequests, "", true)]
    [TestCase(HttpStatusCode.Forbidden, "AccessDenied", false)]
    [TestCase(HttpStatusCode.BadRequest, "InvalidParameterValue", false)]
    public void An_SQS_error_is_transient_only_when_throttled_or_the_service_failed(HttpStatusCode status, string code, bool transient)
    {
        var error = new AmazonSqsConnectionException("Sending failed", new AmazonSQSException("SQS said no", ErrorType.Sender, code, "req", status));

        error.ShouldBeAssignableTo<ConnectionException>()!.IsTransient.ShouldBe(transient);
    }

    [Test]
    public void An_SQS_request_that_never_got_an_answer_is_transient() =>
        new AmazonSqsConnectionException("Sending failed", new AmazonSQSException("no answer", new HttpRequestException("reset"))).IsTransient
            .ShouldBeTrue();

    [TestCase("Throttling", HttpStatusCode.BadRequest, true)]
    [TestCase("AuthorizationError", HttpStatusCode.Forbidden, false)]
    public void An_SNS_error_keeps_its_own_classification(string code, HttpStatusCode status, bool transient) =>
        new AmazonSqsConnectionException("Publishing failed", new AmazonSnsException(code, "SNS said no", status, "req", "Sender")).IsTransient
            .ShouldBe(transient);
}
