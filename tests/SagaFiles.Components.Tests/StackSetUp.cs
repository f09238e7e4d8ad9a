using NUnit.Framework;
using SagaFiles.Testing;

namespace SagaFiles.Components.Tests;

/// <summary>Starts the shared test stack (the S3 emulator) once for this assembly's specs.</summary>
[SetUpFixture]
public sealed class StackSetUp : TestStackSetUpFixture;
