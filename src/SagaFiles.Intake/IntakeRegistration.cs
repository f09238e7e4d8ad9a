using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SagaFiles.Intake;

public static class IntakeRegistration
{
    /// <summary>
    /// <see cref="FileIntake" />, scoped. Needs the database (AddSagaFilesDatabase), its bus outbox (AddSagaFilesOutbox),
    /// storage (AddSagaFilesStorage) and a <see cref="TimeProvider" />.
    /// </summary>
    public static IServiceCollection AddFileIntake(this IServiceCollection services)
    {
        services.TryAddScoped<FileIntake>();
        return services;
    }
}
