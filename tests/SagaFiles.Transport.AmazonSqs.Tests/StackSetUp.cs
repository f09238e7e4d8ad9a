using NUnit.Framework;
using SagaFiles.Testing;

namespace SagaFiles.Transport.AmazonSqs.Tests;

/// <summary>One SQS/SNS/S3 emulator and Postgres for the whole assembly.</summary>
[SetUpFixture]
public sealed class StackSetUp : TestStackSetUpFixture;
