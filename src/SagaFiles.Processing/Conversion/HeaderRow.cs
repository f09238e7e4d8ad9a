namespace SagaFiles.Processing.Conversion;

/// <summary>Decides whether a delimited file's first row names its columns or is already data.</summary>
static class HeaderRow
{
    /// <summary>
    /// The first row is data when it repeats the pattern of the rows below it: at least one column below has a type
    /// (number, date, timestamp, boolean) and the first row's value there is of the same kind, and no column has a
    /// typed column below a value of another kind (a label such as "price" over numbers is a header). String columns
    /// and empty values say nothing either way. Without such evidence the first row is a header, as in most files; so a
    /// header made only of numbers over numeric columns (years, say) is read as data.
    /// </summary>
    /// <param name="firstRow">The first row's values.</param>
    /// <param name="below">The specs inferred from the rows below it.</param>
    /// <param name="afterPreamble">Narrower lines precede the row, as they do a header (a title, the World Bank's
    /// metadata): then a value over a string column is a name, so a header of years over numbers is one.</param>
    public static bool IsData(IReadOnlyList<string> firstRow, IReadOnlyList<ColumnSpec> below, bool afterPreamble = false)
    {
        var dataLike = false;
        for (var c = 0; c < firstRow.Count; c++)
        {
            var kindBelow = KindOf(below[c].Type);
            if (afterPreamble && kindBelow == Kind.Text && firstRow[c].Length > 0)
                return false;
            if (kindBelow == Kind.Text || firstRow[c].Length == 0)
                continue;

            var profile = new ColumnProfile();
            profile.Observe(firstRow[c]);
            if (KindOf(profile.Infer().Type) != kindBelow)
                return false;
            dataLike = true;
        }

        return dataLike;
    }

    /// <summary>Names for a file without a header: column_1, column_2, ...</summary>
    public static IReadOnlyList<string> GeneratedNames(int count) =>
        Enumerable.Range(1, count).Select(n => $"column_{n}").ToArray();

    enum Kind
    {
        Text,
        Number,
        Time,
        Boolean
    }

    static Kind KindOf(ColumnType type) => type switch
    {
        ColumnType.Int64 or ColumnType.Double or ColumnType.Decimal => Kind.Number,
        ColumnType.Date or ColumnType.Timestamp => Kind.Time,
        ColumnType.Boolean => Kind.Boolean,
        _ => Kind.Text
    };
}
