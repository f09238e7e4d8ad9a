using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using MassTransit;
using NUnit.Framework;
using SagaFiles.Components.Consumers;
using Shouldly;

namespace SagaFiles.Components.Tests.Consumers;

public class StepConsumerDefinition_Specs
{
    [Test]
    public void The_kebab_case_formatter_names_the_queues_the_saga_sends_to()
    {
        var formatter = KebabCaseEndpointNameFormatter.Instance;

        formatter.Consumer<DownloadFileConsumer>().ShouldBe(StepEndpoints.Download);
        formatter.Consumer<ComputeChecksumConsumer>().ShouldBe(StepEndpoints.Checksum);
        formatter.Consumer<ConvertFileConsumer>().ShouldBe(StepEndpoints.Convert);
        formatter.Consumer<UploadFileConsumer>().ShouldBe(StepEndpoints.Upload);
    }

    [TestCase(HttpStatusCode.InternalServerError, null, true)]
    [TestCase(HttpStatusCode.ServiceUnavailable, "SlowDown", true)]
    [TestCase(HttpStatusCode.TooManyRequests, null, true)]
    [TestCase(HttpStatusCode.BadRequest, "RequestTimeout", true)]
    [TestCase(HttpStatusCode.Forbidden, "AccessDenied", false)]
    [TestCase(HttpStatusCode.NotFound, "NoSuchKey", false)]
    public void Only_server_errors_throttling_and_timeouts_from_S3_are_retried(HttpStatusCode status, string? code, bool transient) =>
        StepConsumerDefinition<DownloadFileConsumer>.IsTransient(new AmazonS3Exception("S3 said no", ErrorType.Sender, code, "req", status))
            .ShouldBe(transient);

    [Test]
    public void A_request_that_never_got_an_answer_is_retried() =>
        StepConsumerDefinition<DownloadFileConsumer>.IsTransient(new AmazonS3Exception("no answer", new HttpRequestException("reset")))
            .ShouldBeTrue();
}
