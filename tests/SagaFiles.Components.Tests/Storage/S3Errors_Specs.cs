using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using NUnit.Framework;
using SagaFiles.Storage;
using Shouldly;

namespace SagaFiles.Components.Tests.Storage;

public class S3Errors_Specs
{
    [TestCase(HttpStatusCode.InternalServerError, null, true)]
    [TestCase(HttpStatusCode.ServiceUnavailable, "SlowDown", true)]
    [TestCase(HttpStatusCode.TooManyRequests, null, true)]
    [TestCase(HttpStatusCode.BadRequest, "RequestTimeout", true)]
    [TestCase(HttpStatusCode.Forbidden, "AccessDenied", false)]
    [TestCase(HttpStatusCode.NotFound, "NoSuchKey", false)]
    public void Only_server_errors_throttling_and_timeouts_from_S3_are_transient(HttpStatusCode status, string? code, bool transient)
    {
        var error = S3Errors.ToStorageException(new AmazonS3Exception("S3 said no", ErrorType.Sender, code, "req", status));

        error.IsTransient.ShouldBe(transient);
        error.Message.ShouldBe("S3 said no");
    }

    [Test]
    public void A_request_that_never_got_an_answer_is_transient() =>
        S3Errors.IsTransient(new AmazonS3Exception("no answer", new HttpRequestException("reset"))).ShouldBeTrue();
}
