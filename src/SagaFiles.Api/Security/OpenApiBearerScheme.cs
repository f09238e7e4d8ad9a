using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SagaFiles.Api.Security;

/// <summary>Declares the bearer scheme in the OpenAPI document, so the docs page can send a key with each request.</summary>
public sealed class OpenApiBearerScheme : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SecurityExtensions.BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key (Authorization: Bearer sfk_...) or, where configured, a JWT."
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityExtensions.BearerScheme, document)] = [] }];
        return Task.CompletedTask;
    }
}
