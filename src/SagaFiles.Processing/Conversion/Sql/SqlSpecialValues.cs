using System.Globalization;

namespace SagaFiles.Processing.Conversion.Sql;

/// <summary>
/// Values of declared double, date and timestamp columns that dump tools write and the strict text parsers do not take:
/// PostgreSQL's NaN, Infinity, infinity dates and BC dates, SQLite's 1e999 for an infinity and its reals printed with 20
/// digits. The column's type says what the database held, so each is read as the value it stands for.
/// </summary>
static class SqlSpecialValues
{
    /// <summary>DuckDB's infinite date and timestamp (PostgreSQL's own are the same extremes), which it reads back as
    /// infinity from Parquet.</summary>
    const int InfiniteDays = int.MaxValue;

    const long InfiniteMicros = long.MaxValue;

    const long MicrosPerDay = 86_400_000_000L;

    const string BeforeChrist = " BC";

    /// <summary>
    /// NaN and ±Infinity (PostgreSQL), a number past a double's range (SQLite writes ±1e999 for the infinities), or a
    /// number with more digits than any double needs (SQLite's %.20g): the database held a double, so the nearest one
    /// is its value.
    /// </summary>
    public static bool TryParseStoredDouble(ReadOnlySpan<char> text, out double value)
    {
        if (FieldParsers.TryParseNonFiniteDouble(text, out value))
            return true;

        var shape = NumberShape.Of(text);
        if (!shape.IsNumber || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            return false;
        if (double.IsInfinity(value))
            return true;
        return shape.SignificantDigits > 17 && (value != 0 || !FieldParsers.HasNonZeroDigit(text));
    }

    /// <summary>PostgreSQL's infinity and -infinity, a date before Christ ("0044-03-15 BC"), and one written with
    /// slashes or unpadded ("1962/2/18", "12/08/1948").</summary>
    public static bool TryParseDateDays(ReadOnlySpan<char> text, out int days)
    {
        days = 0;
        if (IsInfinity(text, out var negative))
        {
            days = negative ? -InfiniteDays : InfiniteDays;
            return true;
        }

        if (TryPadDate(text, out var padded))
            return FieldParsers.TryParseDateDays(padded, out days);

        if (!TryShiftBeforeChrist(text, out var shifted, out var shiftDays) ||
            !FieldParsers.TryParseDateDays(shifted, out var substituteDays))
            return false;
        days = checked((int)(substituteDays + shiftDays));
        return true;
    }

    /// <summary>PostgreSQL's infinity and -infinity, a timestamp before Christ ("0044-03-15 12:00:00+00 BC"), and one
    /// whose date is written with slashes or unpadded ("1962/2/18 08:00:00").</summary>
    public static bool TryParseTimestampMicros(ReadOnlySpan<char> text, out long micros)
    {
        micros = 0;
        if (IsInfinity(text, out var negative))
        {
            micros = negative ? -InfiniteMicros : InfiniteMicros;
            return true;
        }

        if (TryPadDate(text, out var padded))
            return FieldParsers.TryParseTimestampMicros(padded, out micros);

        if (!TryShiftBeforeChrist(text, out var shifted, out var shiftDays) ||
            !FieldParsers.TryParseTimestampMicros(shifted, out var substituteMicros))
            return false;
        micros = substituteMicros + shiftDays * MicrosPerDay;
        return true;
    }

    /// <summary>
    /// A date that scripts write with '/' or with one-digit months and days, as the databases that load them read it:
    /// year first (Chinook's '1962/2/18', '2002-5-1': MySQL, PostgreSQL) or month first ('12/08/1948' in Northwind:
    /// SQL Server's us_english and PostgreSQL's default DateStyle MDY). Returned as ISO yyyy-MM-dd, the rest unchanged.
    /// </summary>
    static bool TryPadDate(ReadOnlySpan<char> text, out string padded)
    {
        padded = "";
        var first = DigitsAt(text, 0);
        if (first is not (1 or 2 or 4) || first >= text.Length || text[first] is not ('/' or '-'))
            return false;
        var separator = text[first];
        var second = DigitsAt(text, first + 1);
        var thirdStart = first + 2 + second;
        if (second is < 1 or > 2 || thirdStart > text.Length || text[thirdStart - 1] != separator)
            return false;
        var third = DigitsAt(text, thirdStart);
        string year, month, day;
        if (first == 4 && third is 1 or 2 && !(separator == '-' && second == 2 && third == 2)) // ISO: the strict parser said no
            (year, month, day) = (text[..4].ToString(), text.Slice(first + 1, second).ToString(), text.Slice(thirdStart, third).ToString());
        else if (first != 4 && separator == '/' && third == 4)
            (year, month, day) = (text.Slice(thirdStart, 4).ToString(), text[..first].ToString(), text.Slice(first + 1, second).ToString());
        else
            return false;
        padded = $"{year}-{month.PadLeft(2, '0')}-{day.PadLeft(2, '0')}{text[(thirdStart + third)..]}";
        return true;
    }

    static int DigitsAt(ReadOnlySpan<char> text, int start)
    {
        var end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
            end++;
        return end - start;
    }

    static bool IsInfinity(ReadOnlySpan<char> text, out bool negative) =>
        FieldParsers.Unsigned(text, out negative).Equals("infinity", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A BC date-time as an AD one whose year has the same length (2000 or 2001), and the days between the two years'
    /// starts: the proleptic Gregorian calendar of PostgreSQL, where 1 BC is year 0 and leap.
    /// </summary>
    static bool TryShiftBeforeChrist(ReadOnlySpan<char> text, out string substitute, out long shiftDays)
    {
        substitute = "";
        shiftDays = 0;
        if (!text.EndsWith(BeforeChrist, StringComparison.Ordinal) || text.Length < 10 + BeforeChrist.Length ||
            text[4] != '-' || !int.TryParse(text[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var year) ||
            year < 1)
            return false;
        var astronomical = 1 - year;
        var leap = astronomical % 4 == 0 && (astronomical % 100 != 0 || astronomical % 400 == 0);
        var substituteYear = leap ? 2000 : 2001;
        substitute = string.Concat(substituteYear.ToString(CultureInfo.InvariantCulture), text[4..^BeforeChrist.Length]);
        shiftDays = DaysFromCivil(astronomical, 1, 1) - DaysFromCivil(substituteYear, 1, 1);
        return true;
    }

    /// <summary>Days from 1970-01-01 to a proleptic Gregorian date of any year (H. Hinnant's days_from_civil).</summary>
    static long DaysFromCivil(long year, int month, int day)
    {
        year -= month <= 2 ? 1 : 0;
        var era = (year >= 0 ? year : year - 399) / 400;
        var yearOfEra = year - era * 400;
        var dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        var dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146097 + dayOfEra - 719468;
    }
}
