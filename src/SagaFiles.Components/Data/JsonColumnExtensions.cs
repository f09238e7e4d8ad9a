using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SagaFiles.Components.Data;

static class JsonColumnExtensions
{
    /// <summary>
    /// Stores a collection as one jsonb column. Changes made in place (an entry added to a list) are detected by
    /// comparing the serialized form, so the saga's history is saved with the transition that added to it.
    /// </summary>
    public static PropertyBuilder<T> IsJsonColumn<T>(this PropertyBuilder<T> property)
        where T : class, new()
    {
        property.HasConversion(
                value => JsonSerializer.Serialize(value, JsonSerializerOptions.Web),
                json => JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web) ?? new T(),
                new ValueComparer<T>(
                    (left, right) => JsonSerializer.Serialize(left, JsonSerializerOptions.Web) == JsonSerializer.Serialize(right, JsonSerializerOptions.Web),
                    value => JsonSerializer.Serialize(value, JsonSerializerOptions.Web).GetHashCode(StringComparison.Ordinal),
                    value => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!))
            .HasColumnType("jsonb");
        return property;
    }
}
