using System.Text.Json;

namespace SagaFiles.Transport.AmazonSqs.Tests;

public class Delay_Specs
{
    static readonly TimeSpan ClockTolerance = TimeSpan.FromMilliseconds(50);

    [Test]
    public async Task A_scheduled_message_arrives_no_earlier_than_its_delay()
    {
        var log = new ConsumedLog<Consumed>();
        await using var bus = await SqsBus.StartAsync(SqsBus.NewScope("schedule"), x =>
            {
                x.AddDelayedMessageScheduler();
                x.AddConsumer<DelayedPingConsumer>();
            },
            (_, cfg) => cfg.UseDelayedMessageScheduler(),
            services: s => s.AddSingleton(log));

        var scheduler = bus.Services.GetRequiredService<IMessageScheduler>();
        var sentAt = DateTimeOffset.UtcNow;
        await scheduler.ScheduleSend(new Uri("queue:DelayedPing"), sentAt.UtcDateTime.AddSeconds(4), new DelayedPing(Guid.NewGuid(), sentAt));

        var consumed = (await log.WaitFor(1, TimeSpan.FromSeconds(30))).Single();
        (consumed.At - sentAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(4) - ClockTolerance);
    }

    [Test]
    public async Task Delayed_redelivery_hands_a_failing_message_back_after_each_interval_until_it_succeeds()
    {
        var log = new ConsumedLog<Consumed>();
        await using var bus = await SqsBus.StartAsync(SqsBus.NewScope("redelivery"), x =>
            {
                x.AddDelayedMessageScheduler();
                x.AddConsumer<FlakyWorkConsumer>();
            },
            (context, cfg) =>
            {
                cfg.UseDelayedMessageScheduler();
                cfg.ReceiveEndpoint("flaky-work", e =>
                {
                    e.UseDelayedRedelivery(r => r.Intervals(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)));
                    e.UseMessageRetry(r => r.Immediate(1));
                    e.ConfigureConsumer<FlakyWorkConsumer>(context);
                });
            },
            services: s => s.AddSingleton(log));

        var id = Guid.NewGuid();
        await (await bus.Bus.GetSendEndpoint(new Uri("queue:flaky-work"))).Send(new FlakyWork(id, 4));

        // Attempt 0 and its retry fail, redelivery 1 and its retry fail, redelivery 2 succeeds at once.
        var attempts = (await log.WaitFor(5, TimeSpan.FromSeconds(40))).OrderBy(a => a.Number).ToList();
        attempts.Select(a => a.RedeliveryCount).ShouldBe([0, 0, 1, 1, 2]);
        attempts.Select(a => a.RetryAttempt).ShouldBe([0, 1, 0, 1, 0]);
        (attempts[2].At - attempts[1].At).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2) - ClockTolerance);
        (attempts[4].At - attempts[3].At).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2) - ClockTolerance);
    }

    [Test]
    public async Task A_delay_beyond_fifteen_minutes_is_sent_at_the_SQS_maximum_with_its_deliver_at_time()
    {
        var handler = new CountingHandler();
        await using var bus = await SqsBus.StartAsync(SqsBus.NewScope("longdelay"), sqsConfig: CountingHandler.SqsConfig(handler));
        var endpoint = await bus.Bus.GetSendEndpoint(new Uri("queue:long-delay"));

        var before = DateTimeOffset.UtcNow;
        await endpoint.Send(new DelayedPing(Guid.NewGuid(), before), context => context.Delay = TimeSpan.FromMinutes(40));

        var request = JsonDocument.Parse(handler.Requests.Single(r => r.Action == "SendMessageBatch").Body).RootElement
            .GetProperty("Entries").EnumerateArray().Single();
        request.GetProperty("DelaySeconds").GetInt32().ShouldBe(900);
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(
            request.GetProperty("MessageAttributes").GetProperty("MT-Headers").GetProperty("StringValue").GetString()!)!;
        var deliverAt = DateTimeOffset.Parse(headers["MT-Sqs-Deliver-At"], System.Globalization.CultureInfo.InvariantCulture);
        deliverAt.ShouldBeInRange(before.AddMinutes(40), DateTimeOffset.UtcNow.AddMinutes(40));
    }

    [Test]
    public async Task A_message_arriving_before_its_deliver_at_time_is_delayed_again_not_consumed()
    {
        var log = new ConsumedLog<Consumed>();
        var scope = SqsBus.NewScope("redelay");
        using var inspector = new QueueInspector();

        // A real envelope and attributes, as the transport writes them, parked on a queue nobody consumes.
        await using (var sender = await SqsBus.StartAsync(scope))
            await (await sender.Bus.GetSendEndpoint(new Uri("queue:parking"))).Send(new DelayedPing(Guid.NewGuid(), DateTimeOffset.UtcNow));
        var parked = (await inspector.Peek($"{scope}_parking", TimeSpan.FromSeconds(10))).ShouldNotBeNull();

        await using var bus = await SqsBus.StartAsync(scope, x => x.AddConsumer<DelayedPingConsumer>(), services: s => s.AddSingleton(log));
        var deliverAt = DateTimeOffset.UtcNow.AddSeconds(5);
        var headers = new Dictionary<string, string>(parked.Headers) { ["MT-Sqs-Deliver-At"] = deliverAt.ToString("O") };
        await inspector.SendRaw($"{scope}_DelayedPing", parked.Message.Body, new Dictionary<string, string>
        {
            ["Content-Type"] = parked.Message.MessageAttributes["Content-Type"].StringValue,
            ["MT-Headers"] = JsonSerializer.Serialize(headers)
        });

        var consumed = (await log.WaitFor(1, TimeSpan.FromSeconds(30))).Single();
        consumed.At.ShouldBeGreaterThanOrEqualTo(deliverAt - ClockTolerance);
    }
}
