using NUnit.Framework;

namespace SagaFiles.Testing.Tests;

[SetUpFixture]
public sealed class StackSetUp : TestStackSetUpFixture;
