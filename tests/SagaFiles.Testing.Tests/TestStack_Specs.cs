using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS.Model;
using Npgsql;
using NUnit.Framework;
using SagaFiles.Transport.AmazonSqs.Sns;
using Shouldly;

namespace SagaFiles.Testing.Tests;

public class TestStack_Specs
{
    static TestStack Stack => TestStackSetUpFixture.Stack;

    [Test]
    public async Task Sqs_queue_round_trips_a_message()
    {
        using var sqs = Stack.CreateSqsClient();
        var queueUrl = (await sqs.CreateQueueAsync($"teststack-{Guid.NewGuid():N}")).QueueUrl;

        await sqs.SendMessageAsync(queueUrl, "hello");
        var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, WaitTimeSeconds = 5 });

        received.Messages.ShouldHaveSingleItem().Body.ShouldBe("hello");
        await sqs.DeleteQueueAsync(queueUrl);
    }

    [Test]
    public async Task Sns_topic_delivers_to_a_subscribed_queue()
    {
        using var sqs = Stack.CreateSqsClient();
        var sns = Stack.CreateSnsClient();
        var name = $"teststack-{Guid.NewGuid():N}";
        var queueUrl = (await sqs.CreateQueueAsync(name)).QueueUrl;
        var queueArn = (await sqs.GetQueueAttributesAsync(queueUrl, ["QueueArn"])).QueueARN;
        var topicArn = await sns.CreateTopicAsync(name, null);
        await sns.SubscribeAsync(topicArn, "sqs", queueArn, new Dictionary<string, string> { ["RawMessageDelivery"] = "true" });

        await sns.PublishAsync(new SnsPublishRequest(topicArn, "published"));
        var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, WaitTimeSeconds = 5 });

        received.Messages.ShouldHaveSingleItem().Body.ShouldBe("published");
    }

    [Test]
    public async Task S3_bucket_stores_and_returns_an_object()
    {
        using var s3 = Stack.CreateS3Client();
        var bucket = $"teststack-{Guid.NewGuid():N}";
        await s3.PutBucketAsync(bucket);

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "dir/file.txt", ContentBody = "content" });
        using var response = await s3.GetObjectAsync(bucket, "dir/file.txt");
        using var reader = new StreamReader(response.ResponseStream);

        (await reader.ReadToEndAsync()).ShouldBe("content");
        response.HttpStatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Test]
    public async Task Created_databases_are_new_empty_and_distinct()
    {
        var first = await Stack.CreateDatabaseAsync("TestStack Specs!");
        var second = await Stack.CreateDatabaseAsync("TestStack Specs!");

        var firstName = new NpgsqlConnectionStringBuilder(first).Database;
        firstName.ShouldNotBe(new NpgsqlConnectionStringBuilder(second).Database);
        firstName.ShouldStartWith("teststack_specs_");
        await using var connection = new NpgsqlConnection(first);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("CREATE TABLE t (id int); INSERT INTO t VALUES (42);", connection))
            await create.ExecuteNonQueryAsync();
        await using var count = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'public'), current_database(), (SELECT id FROM t)", connection);
        await using var reader = await count.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetInt64(0).ShouldBe(1);
        reader.GetString(1).ShouldBe(firstName);
        reader.GetInt32(2).ShouldBe(42);
    }

    [Test]
    public async Task Postgres_connection_string_is_a_superuser_on_the_postgres_database()
    {
        await using var connection = new NpgsqlConnection(Stack.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_database(), (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)", connection);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetString(0).ShouldBe("postgres");
        reader.GetBoolean(1).ShouldBeTrue();
    }

    [Test]
    public void Stack_reports_its_settings()
    {
        Stack.Region.ShouldBe("us-east-1");
        Stack.AwsServiceUrl.IsAbsoluteUri.ShouldBeTrue();
        TestContext.Out.WriteLine(Stack.ToString());
    }

    [TestCase("Orders", "orders_")]
    [TestCase("9lives", "db_9lives_")]
    [TestCase("", "db_")]
    public void Database_names_are_safe_identifiers(string prefix, string expectedStart)
    {
        var name = TestStack.DatabaseName(prefix);
        name.ShouldStartWith(expectedStart);
        name.Length.ShouldBeLessThanOrEqualTo(63);
        name.ShouldMatch("^[a-z_][a-z0-9_]*$");
        TestStack.DatabaseName(new string('x', 200)).Length.ShouldBe(63);
    }
}
