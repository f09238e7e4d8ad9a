using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace SagaFiles.Storage;

/// <summary>Builds the S3 client for AWS itself or for an emulator (fauxqs, LocalStack) at a service URL.</summary>
public static class S3ClientFactory
{
    /// <param name="region">The AWS region (also the signing region of an emulator).</param>
    /// <param name="serviceUrl">An emulator's endpoint; null for AWS. Emulators get path-style addressing.</param>
    /// <param name="credentials">Explicit credentials; null for the SDK's default credential chain.</param>
    public static IAmazonS3 Create(string region, Uri? serviceUrl = null, AWSCredentials? credentials = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(region);
        var config = new AmazonS3Config();
        if (serviceUrl is null)
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        else
        {
            config.ServiceURL = serviceUrl.ToString();
            config.AuthenticationRegion = region;
            config.ForcePathStyle = true; // emulators do not resolve bucket.host names
        }

        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }
}
