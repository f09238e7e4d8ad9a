using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using MassTransit;
using NUnit.Framework;
using SagaFiles.Components.Consumers;
using SagaFiles.Components.Steps;
using Shouldly;

namespace SagaFiles.Components.Tests.Consumers;

public class StepConsumerDefinition_Specs
{
    [Test]
    public void Each_step_consumer_receives_from_the_queue_its_step_names_whatever_the_endpoint_name_formatter()
    {
        foreach (var step in FileSteps.All)
        {
            var definition = (IConsumerDefinition)Activator.CreateInstance(typeof(StepConsumerDefinition<>).MakeGenericType(step.Consumer))!;
            definition.GetEndpointName(SnakeCaseEndpointNameFormatter.Instance).ShouldBe(step.Queue, step.Name);
            definition.ConcurrentMessageLimit.ShouldBe(step.Policy.ConcurrentMessageLimit, step.Name);
        }

        ((IConsumerDefinition)new PreserveFailedFileConsumerDefinition()).GetEndpointName(SnakeCaseEndpointNameFormatter.Instance).ShouldBe(FileSteps.PreserveFailedQueue);
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
