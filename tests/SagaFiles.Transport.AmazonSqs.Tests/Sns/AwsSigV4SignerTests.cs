using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using SagaFiles.Transport.AmazonSqs.Sns;

namespace SagaFiles.Transport.AmazonSqs.Tests.Sns;

/// <summary>
/// Known-answer tests: the expected values are AWS's published SigV4 vectors (the aws-sig-v4-test-suite cases and the
/// IAM ListUsers walkthrough of the SigV4 documentation), all for AKIDEXAMPLE at 2015-08-30T12:36:00Z.
/// </summary>
[TestFixture]
public sealed class AwsSigV4SignerTests
{
    const string AccessKey = "AKIDEXAMPLE";
    const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    const string SuiteToken =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    static readonly SigV4Credentials Credentials = new(AccessKey, SecretKey);

    static SigV4Signature SignSuite(string method, string uri, string body = "", SigV4Credentials? credentials = null,
        params (string Name, string Value)[] headers) =>
        new AwsSigV4Signer("us-east-1", "service").Sign(
            new SigV4Request(method, new Uri(uri),
                [new("Host", "example.amazonaws.com"), .. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))],
                Encoding.UTF8.GetBytes(body)),
            credentials ?? Credentials, SuiteTime);

    [Test]
    public void Get_vanilla()
    {
        var signature = SignSuite("GET", "https://example.amazonaws.com/");

        signature.CanonicalRequest.ShouldBe(
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash);
        signature.StringToSign.ShouldBe(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
        signature.Authorization.ShouldBe(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, " +
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
        signature.HeadersToAdd.ShouldBe([new("x-amz-date", "20150830T123600Z")]);
    }

    [Test]
    public void Post_vanilla() =>
        SignSuite("POST", "https://example.amazonaws.com/").Signature
            .ShouldBe("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");

    [Test]
    public void Get_vanilla_query_order_key_case()
    {
        var signature = SignSuite("GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1");

        signature.CanonicalRequest.Split('\n')[2].ShouldBe("Param1=value1&Param2=value2");
        signature.Signature.ShouldBe("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
    }

    [Test]
    public void Get_header_value_trim() =>
        SignSuite("GET", "https://example.amazonaws.com/", headers: [("My-Header1", " value1 "), ("My-Header2", " \"a   b   c\" ")])
            .Authorization.ShouldBe(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, " +
                "SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");

    [Test]
    public void Post_x_www_form_urlencoded()
    {
        var signature = SignSuite("POST", "https://example.amazonaws.com/", "Param1=value1",
            headers: ("Content-Type", "application/x-www-form-urlencoded"));

        signature.CanonicalRequest.ShouldEndWith("\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
        signature.Authorization.ShouldBe(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, " +
            "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
    }

    [Test]
    public void Post_sts_header_before_signs_the_session_token()
    {
        var signature = SignSuite("POST", "https://example.amazonaws.com/", credentials: Credentials with { SessionToken = SuiteToken });

        signature.SignedHeaders.ShouldBe("host;x-amz-date;x-amz-security-token");
        signature.Signature.ShouldBe("85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
        signature.HeadersToAdd.ShouldContain(new KeyValuePair<string, string>("x-amz-security-token", SuiteToken));
    }

    [Test]
    public void Iam_ListUsers_documentation_example()
    {
        var signature = new AwsSigV4Signer("us-east-1", "iam").Sign(
            new SigV4Request("GET", new Uri("https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"),
                [new("Host", "iam.amazonaws.com"), new("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                ReadOnlyMemory<byte>.Empty),
            Credentials, SuiteTime);

        signature.CanonicalRequest.ShouldBe(
            "GET\n/\nAction=ListUsers&Version=2010-05-08\n" +
            "content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n" +
            "content-type;host;x-amz-date\n" + EmptyHash);
        signature.StringToSign.ShouldBe(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
        Convert.ToHexStringLower(AwsSigV4Signer.SigningKey(SecretKey, "20150830", "us-east-1", "iam"))
            .ShouldBe("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
        signature.Signature.ShouldBe("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    }

    [Test]
    public void Canonical_query_encodes_per_rfc3986_and_sorts_by_encoded_name_then_value()
    {
        var canonical = AwsSigV4Signer.CanonicalRequest("GET", new Uri("https://example.amazonaws.com/?b=2&a=x%20y&a=1&c=%7E-_.*"), [],
            EmptyHash, out _);

        canonical.Split('\n')[2].ShouldBe("a=1&a=x%20y&b=2&c=~-_.%2A");
    }

    /// <summary>An independent implementation, AWSSDK.Core's own public signer, agrees on a realistic SNS request.</summary>
    [Test]
    public async Task Agrees_with_the_AWS_SDK_signer_on_an_sns_publish_with_a_session_token()
    {
        var body = Encoding.UTF8.GetBytes("Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A1%3At&Message=h%C3%A9llo%20w");
        var time = new DateTimeOffset(2026, 11, 23, 8, 30, 5, TimeSpan.Zero);
        const string contentType = "application/x-www-form-urlencoded; charset=utf-8";

        var ours = new AwsSigV4Signer("eu-west-1", "sns").Sign(
            new SigV4Request("POST", new Uri("https://sns.eu-west-1.amazonaws.com/"),
                // The SDK signer always signs x-amz-content-sha256; sign it here too so both see the same headers.
                [new("host", "sns.eu-west-1.amazonaws.com"), new("content-type", contentType), new("x-amz-content-sha256", AwsSigV4Signer.HexSha256(body))],
                body),
            new SigV4Credentials("AKID", "SECRET", "TOKEN"), time);

        var request = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = new Uri("https://sns.eu-west-1.amazonaws.com/"), Content = body };
        request.Headers["Host"] = "sns.eu-west-1.amazonaws.com";
        request.Headers["Content-Type"] = contentType;
        var sdk = await AWSSigV4Signer.SignAsync(
            request,
            new AWSSigV4Parameters
            {
                Credentials = new SessionAWSCredentials("AKID", "SECRET", "TOKEN"),
                Region = RegionEndpoint.EUWest1,
                Service = "sns",
                SignPayload = true,
                SignedAt = time.UtcDateTime
            });

        var sdkAuthorization = sdk.Headers.First(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)).Value;
        sdkAuthorization.ShouldContain($"Signature={ours.Signature}", customMessage: $"ours: {ours.Authorization}\nsdk:  {sdkAuthorization}\n{string.Join("\n", sdk.Headers)}");
    }

    [Test]
    public void Signs_an_http_request_message_with_host_port_content_type_and_token()
    {
        var body = Encoding.UTF8.GetBytes("Action=ListTopics&Version=2010-03-31");
        using var message = new HttpRequestMessage(HttpMethod.Post, "http://localhost:4566/");
        message.Content = new ByteArrayContent(body);
        message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded") { CharSet = "utf-8" };

        var signature = new AwsSigV4Signer("us-east-1", "sns").Sign(message, body, new SigV4Credentials("AK", "SK", "TK"), SuiteTime);

        signature.CanonicalRequest.ShouldContain("content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:localhost:4566\n");
        signature.SignedHeaders.ShouldBe("content-type;host;x-amz-date;x-amz-security-token");
        message.Headers.GetValues("x-amz-date").Single().ShouldBe("20150830T123600Z");
        message.Headers.GetValues("x-amz-security-token").Single().ShouldBe("TK");
        message.Headers.GetValues("Authorization").Single().ShouldBe(signature.Authorization);
    }
}
