using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("SagaFiles.Testing.Tests")]
