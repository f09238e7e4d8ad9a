using System.Globalization;
using SagaFiles.Processing.Conversion;

namespace SagaFiles.Components.Consumers;

/// <summary>A conversion's rows and schema, as messages and the file record carry them.</summary>
static class TableShapes
{
    public static TableShape Of(ConversionResult conversion) => new()
    {
        Rows = conversion.RowCount,
        RowGroups = conversion.RowGroupCount,
        Columns = conversion.Columns.Select(c => new TableColumn(c.Name, TypeName(c))).ToList()
    };

    static string TypeName(ConvertedColumn column) => column.Type == ColumnType.Decimal
        ? string.Create(CultureInfo.InvariantCulture, $"decimal(29,{column.Scale})")
        : column.Type.ToString().ToLowerInvariant();
}
