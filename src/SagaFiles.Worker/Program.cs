using SagaFiles.ServiceDefaults;
using SagaFiles.Worker;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWorkerServices();

var app = builder.Build();
app.MapDefaultEndpoints();
// Open, like health: the worker's port serves nothing else and belongs on the internal network only (README, Security).
app.MapMetrics();
app.Run();
