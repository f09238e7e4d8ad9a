using System.Text.Json.Nodes;
using SagaFiles.Transport.AmazonSqs.Topology;

namespace SagaFiles.Transport.AmazonSqs.Tests;

public class SqsQueuePolicy_Specs
{
    const string Queue = "arn:aws:sqs:eu-west-1:123456789012:prod_billing";
    const string Submitted = "arn:aws:sns:eu-west-1:123456789012:prod_Contracts-OrderSubmitted";
    const string Cancelled = "arn:aws:sns:eu-west-1:123456789012:prod_Contracts-OrderCancelled";

    [Test]
    public void A_queue_without_a_policy_gets_one_statement_naming_each_topic()
    {
        var policy = SqsQueuePolicy.Merge(null, Queue, [Submitted, Cancelled])!;

        var statement = JsonNode.Parse(policy)!["Statement"]!.AsArray().Single()!;
        statement["Resource"]!.GetValue<string>().ShouldBe(Queue);
        statement["Principal"]!["Service"]!.GetValue<string>().ShouldBe("sns.amazonaws.com");
        SqsQueuePolicy.AllowedTopics(policy).ShouldBe([Cancelled, Submitted], ignoreOrder: true);
        policy.ShouldNotContain("*");
    }

    [Test]
    public void Merging_keeps_other_statements_and_the_topics_already_allowed()
    {
        var first = SqsQueuePolicy.Merge("""{"Version":"2012-10-17","Statement":{"Sid":"Ops","Effect":"Deny","Principal":"*","Action":"sqs:DeleteQueue","Resource":"*"}}""",
            Queue, [Submitted])!;
        var second = SqsQueuePolicy.Merge(first, Queue, [Cancelled])!;

        JsonNode.Parse(second)!["Statement"]!.AsArray().Select(s => s!["Sid"]!.GetValue<string>()).ShouldBe(["Ops", SqsQueuePolicy.StatementId]);
        SqsQueuePolicy.AllowedTopics(second).ShouldBe([Cancelled, Submitted], ignoreOrder: true);
    }

    [Test]
    public void A_policy_that_already_allows_the_topics_is_not_written_again()
    {
        var policy = SqsQueuePolicy.Merge(null, Queue, [Submitted, Cancelled]);

        SqsQueuePolicy.Merge(policy, Queue, [Submitted]).ShouldBeNull();
    }

    [Test]
    public void The_wildcard_statement_of_earlier_versions_is_replaced()
    {
        const string legacy = """{"Version":"2012-10-17","Statement":[{"Sid":"AllowSubscribedTopics","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:eu-west-1:123456789012:prod_billing","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:eu-west-1:123456789012:prod_*"}}}]}""";

        var policy = SqsQueuePolicy.Merge(legacy, Queue, [Submitted])!;

        policy.ShouldNotContain("AllowSubscribedTopics");
        policy.ShouldNotContain("prod_*");
        SqsQueuePolicy.AllowedTopics(policy).ShouldBe([Submitted]);
    }
}
