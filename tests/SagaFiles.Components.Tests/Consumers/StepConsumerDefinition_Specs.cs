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
}
