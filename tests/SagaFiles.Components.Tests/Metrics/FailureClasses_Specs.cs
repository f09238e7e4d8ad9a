using NUnit.Framework;
using SagaFiles.Components.Consumers;
using SagaFiles.Components.Metrics;
using SagaFiles.Processing.Archives;
using SagaFiles.Storage;
using Shouldly;

namespace SagaFiles.Components.Tests.Metrics;

public class FailureClasses_Specs
{
    [Test]
    public void A_faults_exception_type_names_one_of_a_few_classes()
    {
        FailureClasses.Of(typeof(ArchiveRejectedException).FullName).ShouldBe(FailureClasses.Permanent);
        FailureClasses.Of(typeof(InvalidFileException).FullName).ShouldBe(FailureClasses.Permanent);
        FailureClasses.Of(typeof(AttemptSupersededException).FullName).ShouldBe(FailureClasses.Timeout);
        FailureClasses.Of(new WorkerResourceException("disk full", new IOException())).ShouldBe(FailureClasses.WorkerResource);
        FailureClasses.Of(new StorageException("throttled", isTransient: true)).ShouldBe(FailureClasses.Storage);
        FailureClasses.Of("SagaFiles.Transport.AmazonSqs.AmazonSqsConnectionException").ShouldBe(FailureClasses.Transport);
        FailureClasses.Of(new HttpRequestException()).ShouldBe(FailureClasses.Io);
        FailureClasses.Of("Some.Other.Exception").ShouldBe(FailureClasses.Other);
        FailureClasses.Of((string?)null).ShouldBe(FailureClasses.Other);
    }
}
