using System.Text;

namespace SagaFiles.Api.Tests.Iam;

/// <summary>How the recorder reads requests as IAM actions, and how the policy file is matched (the run itself is checked in <see cref="SagaFilesApp" />).</summary>
public class IamPolicy_Specs
{
    static readonly Dictionary<string, string> Placeholders = new()
    {
        ["REGION"] = "eu-west-1", ["ACCOUNT_ID"] = "123456789012", ["PREFIX"] = "prod",
        ["INCOMING_BUCKET"] = "acme-incoming", ["STAGING_BUCKET"] = "acme-staging", ["PROCESSED_BUCKET"] = "acme-processed"
    };

    static Dictionary<string, string> Signed(params (string, string)[] extra) =>
        new[] { ("Authorization", "AWS4-HMAC-SHA256 Credential=sagafiles-worker/20261202/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=x") }
            .Concat(extra).ToDictionary(h => h.Item1, h => h.Item2, StringComparer.OrdinalIgnoreCase);

    [Test]
    public void A_batched_sqs_delete_needs_sqs_DeleteMessage_on_its_queue()
    {
        var call = AwsActions.Describe("POST", "/", "", Signed(("X-Amz-Target", "AmazonSQS.DeleteMessageBatch")),
            Encoding.UTF8.GetBytes("""{"QueueUrl":"http://localhost:4566/000000000000/e2e_convert-file","Entries":[]}""")).Single();

        call.ShouldBe(new AwsCall("sagafiles-worker", "sqs:DeleteMessage", $"arn:aws:sqs:us-east-1:{AwsActions.Account}:e2e_convert-file"));
    }

    [Test]
    public void An_s3_copy_needs_GetObject_on_the_source_and_PutObject_on_the_target()
    {
        var calls = AwsActions.Describe("PUT", "/processed/files/1/out.parquet", "", Signed(("x-amz-copy-source", "/staging/files/1/out.parquet")), []);

        calls.Select(c => (c.Action, c.Resource)).ShouldBe([
            ("s3:GetObject", "arn:aws:s3:::staging/files/1/out.parquet"), ("s3:PutObject", "arn:aws:s3:::processed/files/1/out.parquet")
        ]);
    }

    [Test]
    public void Each_role_is_allowed_its_own_work_and_nothing_outside_the_prefix_and_buckets()
    {
        var api = IamPolicy.Load("Api", Placeholders);
        var worker = IamPolicy.Load("Worker", Placeholders);

        api.Allows("s3:PutObject", "arn:aws:s3:::acme-incoming/uploads/1").ShouldBeTrue();
        api.Allows("s3:PutObject", "arn:aws:s3:::acme-processed/files/1/out.parquet").ShouldBeFalse("the API never writes results");
        worker.Allows("s3:PutObject", "arn:aws:s3:::acme-processed/files/1/out.parquet").ShouldBeTrue();
        worker.Allows("sqs:ReceiveMessage", "arn:aws:sqs:eu-west-1:123456789012:prod_convert-file").ShouldBeTrue();
        worker.Allows("sqs:ReceiveMessage", "arn:aws:sqs:eu-west-1:123456789012:billing").ShouldBeFalse("another team's queue");
        worker.Allows("sns:Publish", "arn:aws:sns:eu-west-1:123456789012:other_Contracts-Event").ShouldBeFalse();
        worker.Allows("s3:DeleteBucket", "arn:aws:s3:::acme-incoming").ShouldBeFalse();
    }
}
