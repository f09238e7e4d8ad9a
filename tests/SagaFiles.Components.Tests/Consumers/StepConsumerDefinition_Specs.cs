using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using SagaFiles.Components.Consumers;
using SagaFiles.Components.StateMachines;
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
            var definition = Definition(step, new EndpointOptions());
            definition.GetEndpointName(SnakeCaseEndpointNameFormatter.Instance).ShouldBe(step.Queue, step.Name);
            definition.ConcurrentMessageLimit.ShouldBe(step.Policy.ConcurrentMessageLimit, step.Name);
        }

        ((IConsumerDefinition)new PreserveFailedFileConsumerDefinition()).GetEndpointName(SnakeCaseEndpointNameFormatter.Instance).ShouldBe(FileSteps.PreserveFailedQueue);
    }

    [Test]
    public void The_saga_consumes_four_messages_per_core_at_once_unless_set()
    {
        ((ISagaDefinition)new FileStateDefinition(Options.Create(new EndpointOptions()))).ConcurrentMessageLimit.ShouldBe(4 * Environment.ProcessorCount);
    }

    [Test]
    public void A_steps_limits_come_from_its_settings_where_set()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Steps:Convert:ConcurrentMessageLimit"] = "6", ["Steps:convert:PrefetchCount"] = "12", ["Steps:Saga:ConcurrentMessageLimit"] = "40"
        });

        var convert = Definition(FileSteps.All.Single(s => s.Name == FileSteps.Convert), options);
        convert.ConcurrentMessageLimit.ShouldBe(6);
        var checksum = FileSteps.All.Single(s => s.Name == FileSteps.Checksum);
        Definition(checksum, options).ConcurrentMessageLimit.ShouldBe(checksum.Policy.ConcurrentMessageLimit);
        ((ISagaDefinition)new FileStateDefinition(Options.Create(options))).ConcurrentMessageLimit.ShouldBe(40);
    }

    [TestCase("Steps:Convrt:ConcurrentMessageLimit", "4", "Steps:Convrt names no endpoint")]
    [TestCase("Steps:Upload:ConcurrentMessageLimit", "0", "Steps:Upload:ConcurrentMessageLimit is 0; it must be 1 to 1000")]
    [TestCase("Steps:Saga:PrefetchCount", "5000", "Steps:Saga:PrefetchCount is 5000; it must be 1 to 1000")]
    public void Settings_that_name_no_endpoint_or_leave_the_range_stop_the_start_naming_the_setting(string key, string value, string reason)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build());
        services.AddEndpointOptions();

        var error = Should.Throw<OptionsValidationException>(() => services.BuildServiceProvider().GetRequiredService<IOptions<EndpointOptions>>().Value);
        error.Message.ShouldContain(reason);
    }

    static IConsumerDefinition Definition(FileStep step, EndpointOptions options) =>
        (IConsumerDefinition)Activator.CreateInstance(typeof(StepConsumerDefinition<>).MakeGenericType(step.Consumer), Options.Create(options))!;

    static EndpointOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new EndpointOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(EndpointOptions.Section).Bind(options);
        return options;
    }
}
