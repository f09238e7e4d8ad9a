using Amazon.Runtime;
using Amazon.SQS;

namespace SagaFiles.Transport.AmazonSqs.Tests.Sns;

/// <summary>TEMPORARY: the emulator from SAGAFILES_TEST_AWS_SERVICE_URL until SagaFiles.Testing.TestStack exists.</summary>
sealed class SnsTestStack
{
    public static SnsTestStack Current =>
        Environment.GetEnvironmentVariable("SAGAFILES_TEST_AWS_SERVICE_URL") is { Length: > 0 } url
            ? new SnsTestStack(new Uri(url))
            : throw new InconclusiveException("SAGAFILES_TEST_AWS_SERVICE_URL is not set.");

    SnsTestStack(Uri url) => AwsServiceUrl = url;

    public Uri AwsServiceUrl { get; }

    public string Region => "us-east-1";

    public AWSCredentials Credentials { get; } = new BasicAWSCredentials("test", "test");

    public IAmazonSQS CreateSqsClient() =>
        new AmazonSQSClient(Credentials, new AmazonSQSConfig { ServiceURL = AwsServiceUrl.ToString(), AuthenticationRegion = Region });
}
