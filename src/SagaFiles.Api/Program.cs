using SagaFiles.Api;
using SagaFiles.ServiceDefaults;

if (KeysCommand.Handles(args))
    return await KeysCommand.RunAsync(args);
if (MigrateCommand.Handles(args))
    return await MigrateCommand.RunAsync();

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApiServices();

var app = builder.Build();
app.UseApi();
app.MapDefaultEndpoints();
app.Run();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
