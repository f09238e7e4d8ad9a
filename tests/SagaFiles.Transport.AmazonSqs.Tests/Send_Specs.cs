namespace SagaFiles.Transport.AmazonSqs.Tests;

public class Send_Specs
{
    [Test]
    public async Task A_message_sent_to_a_queue_is_consumed_from_it()
    {
        var log = new ConsumedLog<Consumed>();
        await using var bus = await SqsBus.StartAsync(SqsBus.NewScope("send"), x => x.AddConsumer<ProcessOrderConsumer>(),
            services: s => s.AddSingleton(log));

        var endpoint = await bus.Bus.GetSendEndpoint(new Uri("queue:ProcessOrder"));
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        foreach (var (id, number) in ids.Select((id, i) => (id, i)))
            await endpoint.Send(new ProcessOrder(id, number));

        var consumed = await log.WaitFor(5, TimeSpan.FromSeconds(30));
        consumed.Select(c => c.Id).ShouldBe(ids, ignoreOrder: true);
    }

    [Test]
    public async Task A_message_over_the_256_KiB_limit_fails_the_send_with_a_clear_error()
    {
        await using var bus = await SqsBus.StartAsync(SqsBus.NewScope("large"));
        var endpoint = await bus.Bus.GetSendEndpoint(new Uri("queue:large-messages"));

        var exception = await Should.ThrowAsync<Exception>(() => endpoint.Send(new LargeMessage(new string('x', 270_000))));

        var tooLarge = exception as Transport.MessageTooLargeException ?? exception.InnerException as Transport.MessageTooLargeException;
        tooLarge.ShouldNotBeNull($"expected MessageTooLargeException, got {exception}");
        tooLarge.Message.ShouldContain("262,144");
        tooLarge.Message.ShouldContain("large-messages");
    }

    [Test]
    public async Task Headers_travel_in_two_attributes_whatever_their_number()
    {
        var handler = new CountingHandler();
        await using var bus = await SqsBus.StartAsync(SqsBus.NewScope("headers"), sqsConfig: CountingHandler.SqsConfig(handler));
        var endpoint = await bus.Bus.GetSendEndpoint(new Uri("queue:headers"));

        await endpoint.Send(new ProcessOrder(Guid.NewGuid(), 1), context =>
        {
            for (var i = 0; i < 15; i++)
                context.Headers.Set($"X-Custom-{i}", $"value {i}");
        });

        var send = handler.Requests.Single(r => r.Action == "SendMessageBatch").Body;
        var entry = System.Text.Json.JsonDocument.Parse(send).RootElement.GetProperty("Entries").EnumerateArray().Single();
        var attributes = entry.GetProperty("MessageAttributes");
        attributes.EnumerateObject().Select(p => p.Name).ShouldBe(["Content-Type", "MT-Headers"], ignoreOrder: true);
        attributes.GetProperty("MT-Headers").GetProperty("StringValue").GetString()!.ShouldContain("X-Custom-14");
    }
}
