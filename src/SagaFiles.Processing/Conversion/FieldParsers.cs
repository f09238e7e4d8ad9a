using System.Globalization;

namespace SagaFiles.Processing.Conversion;

/// <summary>The shape of a number written in the JSON number grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?</summary>
/// <param name="IsNumber">The text is a number in that grammar (leading zeros, '+' and blanks are not).</param>
/// <param name="IsInteger">No fraction and no exponent.</param>
/// <param name="HasExponent">Written with an exponent.</param>
/// <param name="SignificantDigits">Digits without the leading zeros.</param>
/// <param name="IntegerDigits">Digits before the decimal point.</param>
/// <param name="Scale">Digits after the decimal point.</param>
readonly record struct NumberShape(
    bool IsNumber,
    bool IsInteger,
    bool HasExponent,
    int SignificantDigits,
    int IntegerDigits,
    int Scale)
{
    public static NumberShape Of(ReadOnlySpan<char> text)
    {
        var i = text.Length > 0 && text[0] == '-' ? 1 : 0;
        var integerStart = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
            i++;
        var integerDigits = i - integerStart;
        if (integerDigits == 0 || (integerDigits > 1 && text[integerStart] == '0'))
            return default;

        var scale = 0;
        if (i < text.Length && text[i] == '.')
        {
            var fractionStart = ++i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
                i++;
            scale = i - fractionStart;
            if (scale == 0)
                return default;
        }

        var hasExponent = false;
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
                i++;
            var exponentStart = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
                i++;
            if (i == exponentStart)
                return default;
            hasExponent = true;
        }

        if (i != text.Length)
            return default;

        var digits = integerDigits + scale;
        var leadingZeros = 0;
        for (var d = integerStart; d < text.Length && leadingZeros < digits && text[d] is '0' or '.'; d++)
        {
            if (text[d] == '0')
                leadingZeros++;
        }

        return new NumberShape(true, scale == 0 && !hasExponent, hasExponent, Math.Max(1, digits - leadingZeros),
            integerDigits, scale);
    }
}

/// <summary>Strict, culture-invariant parsers for the typed columns: what they accept converts back without loss.</summary>
static class FieldParsers
{
    /// <summary>Doubles keep every value with up to 15 significant digits exactly (DBL_DIG).</summary>
    public const int DoubleSignificantDigits = 15;

    /// <summary>Enough digits to name any double exactly (DBL_DECIMAL_DIG).</summary>
    const int RoundTripDigits = 17;

    /// <summary>Decimal columns are DECIMAL(29, s); integer digits plus scale stay within .NET decimal's 28.</summary>
    public const int DecimalPrecision = 29;

    public const int MaxDecimalDigits = 28;

    /// <summary>Sub-microsecond digits must be zero: timestamps are stored in microseconds.</summary>
    const int MaxFractionDigits = 9;

    /// <summary>Ticks (100 ns) per unit of the n-th fraction digit, down to microseconds.</summary>
    static readonly long[] TicksPerFractionDigit = [1_000_000, 100_000, 10_000, 1_000, 100, 10];

    public static bool TryParseInt64(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        var negative = text.Length > 0 && text[0] == '-';
        var digits = negative ? text[1..] : text;
        if (digits.IsEmpty || digits.Length > 19 || (digits.Length > 1 && digits[0] == '0'))
            return false;

        ulong magnitude = 0;
        foreach (var c in digits)
        {
            var digit = (uint)(c - '0');
            if (digit > 9)
                return false;
            magnitude = magnitude * 10 + digit; // 19 digits cannot overflow a ulong
        }

        if (magnitude > (negative ? (ulong)long.MaxValue + 1 : long.MaxValue))
            return false;
        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return true;
    }

    /// <summary>
    /// Up to 15 significant digits, which every double keeps; 16 or 17 only when the double's shortest form is the same
    /// number (databases write doubles that way: 0.30000000000000004).
    /// </summary>
    public static bool TryParseDouble(ReadOnlySpan<char> text, out double value)
    {
        if (TryParseShortDecimal(text, out value))
            return true;
        var shape = NumberShape.Of(text);
        if (shape.IsNumber && shape.SignificantDigits <= RoundTripDigits &&
            (TryParseExactDouble(text, shape, out value) ||
             (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value) &&
              (shape.SignificantDigits <= DoubleSignificantDigits || IsShortestForm(text, value)) &&
              IsWithinNormalRange(text, value))))
            return true;
        value = 0;
        return false;
    }

    /// <summary>
    /// Below the normal range (an exponent such as 1e-400) a double keeps fewer digits, down to none: zero or a
    /// subnormal is taken only when it reads back as the text's number.
    /// </summary>
    static bool IsWithinNormalRange(ReadOnlySpan<char> text, double value)
    {
        if (value == 0)
            return !HasNonZeroDigit(text);
        return Math.Abs(value) >= SmallestNormal || IsShortestForm(text, value);
    }

    /// <summary>The smallest positive normal double, 2^-1022 (DBL_MIN).</summary>
    const double SmallestNormal = 2.2250738585072014E-308;

    /// <summary>Whether a number's digits (before any exponent) are not all zero: a double of 0 is then a rounded value.</summary>
    internal static bool HasNonZeroDigit(ReadOnlySpan<char> number)
    {
        var e = number.IndexOfAny('e', 'E');
        return (e < 0 ? number : number[..e]).ContainsAnyInRange('1', '9');
    }

    static bool IsShortestForm(ReadOnlySpan<char> text, double value)
    {
        Span<char> shortest = stackalloc char[32];
        return value.TryFormat(shortest, out var length, "R", CultureInfo.InvariantCulture) &&
               Canonical(text) == Canonical(shortest[..length]);
    }

    /// <summary>A number's sign, significant digits and the power of ten of its first digit, however it is written.</summary>
    static (bool Negative, string Digits, int Exponent) Canonical(ReadOnlySpan<char> number)
    {
        var negative = number.StartsWith('-');
        if (negative)
            number = number[1..];
        var e = number.IndexOfAny('e', 'E');
        var exponent = e < 0 ? 0 : int.Parse(number[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? number : number[..e];
        var point = mantissa.IndexOf('.');
        var digits = point < 0 ? mantissa.ToString() : string.Concat(mantissa[..point], mantissa[(point + 1)..]);
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        return (negative, digits.Trim('0'), (point < 0 ? mantissa.Length : point) - leadingZeros + exponent);
    }

    /// <summary>
    /// The common case in one pass: -?(0|[1-9]\d*)(\.\d+)? with at most 15 digits, which <see cref="TryParseExactDouble" />
    /// would parse the same way (digits and power of ten both exact, one rounding). False for anything else, which takes
    /// the general path.
    /// </summary>
    static bool TryParseShortDecimal(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        var i = text.Length > 0 && text[0] == '-' ? 1 : 0;
        var integerStart = i;
        ulong digits = 0;
        for (; i < text.Length && char.IsAsciiDigit(text[i]); i++)
            digits = digits * 10 + (uint)(text[i] - '0');
        var integerDigits = i - integerStart;
        if (integerDigits == 0 || (integerDigits > 1 && text[integerStart] == '0'))
            return false;
        var scale = 0;
        if (i < text.Length)
        {
            if (text[i] != '.')
                return false;
            var fractionStart = ++i;
            for (; i < text.Length && char.IsAsciiDigit(text[i]); i++)
                digits = digits * 10 + (uint)(text[i] - '0');
            scale = i - fractionStart;
            if (scale == 0 || i != text.Length)
                return false;
        }

        if (integerDigits + scale > DoubleSignificantDigits)
            return false; // the digits may have overflowed: the general path decides
        value = digits / ExactPowersOfTen[scale];
        if (integerStart == 1)
            value = -value;
        return true;
    }

    /// <summary>Powers of ten a double holds exactly (up to 10^22).</summary>
    static readonly double[] ExactPowersOfTen =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
         1e21, 1e22];

    /// <summary>
    /// Clinger's fast path, for a number without exponent whose digits fit 2^53: both the digits as an integer and the
    /// power of ten are exact doubles, so one correctly rounded division gives what double.Parse gives, several times
    /// faster. False, with no value, for anything else.
    /// </summary>
    static bool TryParseExactDouble(ReadOnlySpan<char> text, NumberShape shape, out double value)
    {
        value = 0;
        if (shape.HasExponent || shape.Scale >= ExactPowersOfTen.Length || shape.IntegerDigits + shape.Scale > DoubleSignificantDigits)
            return false;
        ulong digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
                digits = digits * 10 + (uint)(c - '0');
        }

        value = digits / ExactPowersOfTen[shape.Scale];
        if (text[0] == '-')
            value = -value;
        return true;
    }

    /// <summary>The canonical quiet NaN: .NET's double.NaN has its sign bit set, which readers show as "-nan".</summary>
    static readonly double PositiveNaN = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0000);

    /// <summary>NaN and ±Infinity or ±inf, any letter case, as PostgreSQL and Python's json module write them.</summary>
    public static bool TryParseNonFiniteDouble(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        var unsigned = Unsigned(text, out var negative);
        if (unsigned.Equals("NaN", StringComparison.OrdinalIgnoreCase))
        {
            value = PositiveNaN;
            return true;
        }

        if (!unsigned.Equals("Infinity", StringComparison.OrdinalIgnoreCase) &&
            !unsigned.Equals("inf", StringComparison.OrdinalIgnoreCase))
            return false;
        value = negative ? double.NegativeInfinity : double.PositiveInfinity;
        return true;
    }

    /// <summary>The text without its sign, and whether the sign was a minus.</summary>
    internal static ReadOnlySpan<char> Unsigned(ReadOnlySpan<char> text, out bool negative)
    {
        negative = text.StartsWith('-');
        return text.Length > 0 && text[0] is '-' or '+' ? text[1..] : text;
    }

    public static bool TryParseDecimal(ReadOnlySpan<char> text, int scale, out decimal value)
    {
        var shape = NumberShape.Of(text);
        if (shape.IsNumber && !shape.HasExponent && shape.Scale <= scale && shape.IntegerDigits + scale <= MaxDecimalDigits &&
            decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
                CultureInfo.InvariantCulture, out value))
            return true;
        value = 0;
        return false;
    }

    public static bool TryParseBoolean(ReadOnlySpan<char> text, out bool value)
    {
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            value = true;
            return true;
        }

        value = false;
        return text.Equals("false", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A calendar date written exactly yyyy-MM-dd.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        if (text.Length != 10 || !TryParseTimestamp(text, out var midnight))
            return false;
        date = DateOnly.FromDateTime(midnight);
        return true;
    }

    /// <summary>A date as Parquet's DATE stores it: days since 1970-01-01.</summary>
    public static bool TryParseDateDays(ReadOnlySpan<char> text, out int days)
    {
        var parsed = TryParseDate(text, out var date);
        days = parsed ? date.DayNumber - UnixEpochDay : 0;
        return parsed;
    }

    /// <summary>A timestamp as Parquet's TIMESTAMP(MICROS) stores it: microseconds since 1970-01-01T00:00Z (exact: the
    /// parser takes no digit below a microsecond).</summary>
    public static bool TryParseTimestampMicros(ReadOnlySpan<char> text, out long micros)
    {
        var parsed = TryParseTimestamp(text, out var utc);
        micros = parsed ? (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond : 0;
        return parsed;
    }

    static readonly int UnixEpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    /// <summary>
    /// ISO 8601: yyyy-MM-dd, optionally followed by 'T' or ' ', HH:mm[:ss[.fffffffff]], and Z or ±HH[:mm]. Without an
    /// offset the value is taken as UTC. The result is UTC.
    /// </summary>
    public static bool TryParseTimestamp(ReadOnlySpan<char> text, out DateTime utc)
    {
        utc = default;
        if (text.Length < 10 || text[4] != '-' || text[7] != '-' ||
            !TryDigits(text, 0, 4, out var year) || !TryDigits(text, 5, 2, out var month) ||
            !TryDigits(text, 8, 2, out var day) ||
            year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            return false;

        int hour = 0, minute = 0, second = 0;
        long fractionTicks = 0;
        var i = 10;
        if (i < text.Length && text[i] is 'T' or 't' or ' ')
        {
            if (text.Length < 16 || text[13] != ':' || !TryDigits(text, 11, 2, out hour) ||
                !TryDigits(text, 14, 2, out minute) || hour > 23 || minute > 59)
                return false;
            i = 16;
            if (i < text.Length && text[i] == ':')
            {
                if (!TryDigits(text, 17, 2, out second) || second > 59)
                    return false;
                i = 19;
                if (i < text.Length && text[i] is '.' or ',' && !TryFraction(text, ref i, out fractionTicks))
                    return false;
            }
        }

        var offset = TimeSpan.Zero;
        if (i < text.Length && !TryOffset(text[i..], out offset))
            return false;

        var ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fractionTicks -
                    offset.Ticks;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
            return false;
        utc = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    static bool TryFraction(ReadOnlySpan<char> text, ref int i, out long ticks)
    {
        ticks = 0;
        var start = ++i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
            i++;
        var count = i - start;
        if (count is 0 or > MaxFractionDigits)
            return false;
        for (var d = 0; d < count; d++)
        {
            var digit = text[start + d] - '0';
            if (d < 6)
                ticks += digit * TicksPerFractionDigit[d];
            else if (digit != 0)
                return false; // below a microsecond: would be lost
        }

        return true;
    }

    static bool TryOffset(ReadOnlySpan<char> zone, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (zone is "Z" or "z")
            return true;
        if (zone.Length < 3 || zone[0] is not ('+' or '-') || !TryDigits(zone, 1, 2, out var hours) || hours > 14)
            return false;
        var minutes = 0;
        var rest = zone[3..];
        if (rest.Length > 0)
        {
            if (rest[0] == ':')
                rest = rest[1..];
            if (rest.Length != 2 || !TryDigits(rest, 0, 2, out minutes) || minutes > 59)
                return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (zone[0] == '-')
            offset = -offset;
        return true;
    }

    static bool TryDigits(ReadOnlySpan<char> text, int start, int count, out int value)
    {
        value = 0;
        if (start + count > text.Length)
            return false;
        for (var i = start; i < start + count; i++)
        {
            var digit = text[i] - '0';
            if ((uint)digit > 9)
                return false;
            value = value * 10 + digit;
        }

        return true;
    }
}
