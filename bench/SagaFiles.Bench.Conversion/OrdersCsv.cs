using System.Globalization;
using System.Text;

/// <summary>
/// A deterministic orders CSV: the same size always gives the same bytes. Mixed columns as real exports have them:
/// integers, money with two decimals, timestamps, low-cardinality codes, high-cardinality e-mails, a double, and
/// mostly-empty columns, some values quoted because they hold a comma.
/// </summary>
static class OrdersCsv
{
    public const string Header =
        "order_id,customer_id,created_at,status,country,email,quantity,unit_price,amount,discount,latitude,comment";

    public const int Columns = 12;

    static readonly string[] Statuses = ["pending", "paid", "shipped", "delivered", "cancelled", "refunded"];

    static readonly string[] Countries =
        ["DE", "FR", "NL", "BE", "AT", "CH", "IT", "ES", "PT", "PL", "CZ", "SE", "NO", "DK", "FI", "IE", "GB", "US", "CA",
         "BR", "JP", "AU", "IN", "ZA"];

    static readonly string[] FirstNames =
        ["anna", "ben", "carla", "david", "eva", "felix", "greta", "hugo", "ida", "jonas", "karin", "leon", "mia", "noah",
         "olga", "paul", "quinn", "rosa", "sam", "tara", "uwe", "vera", "will", "xena", "yusuf", "zoe"];

    static readonly string[] LastNames =
        ["mueller", "schmidt", "dupont", "rossi", "garcia", "silva", "novak", "jansen", "smith", "tanaka", "kowalski",
         "nielsen", "murphy", "peeters", "horvat", "berg"];

    static readonly string[] Domains = ["example.com", "mail.example.org", "shop.example.net", "example.de"];

    static readonly string[] Comments =
        ["gift wrap", "\"left at the door, signed by neighbour\"", "express", "call before delivery",
         "\"damaged box, customer kept it\"", "second attempt", "pick-up point"];

    static readonly DateTime Epoch = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Writes rows until the file holds about <paramref name="bytes" /> (a few KB more); returns the data rows.</summary>
    public static long Write(string path, long bytes)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var writer = new StreamWriter(file, new UTF8Encoding(false), 1 << 20);
        writer.Write(Header);
        writer.Write('\n');
        var random = new SplitMix64(20261127);
        var line = new Line();
        long rows = 0;
        while (file.Position < bytes)
        {
            Row(rows, ref random, line.Clear());
            writer.Write(line.Chars);
            rows++;
            if (rows % 64 == 0)
                writer.Flush(); // so file.Position follows the bytes written
        }

        return rows;
    }

    static void Row(long index, ref SplitMix64 random, Line at)
    {
        at.Number(1_000_000 + index).Comma();
        at.Number(1 + random.Below(500_000)).Comma();
        at.Timestamp(Epoch.AddSeconds(index * 20 + random.Below(20))).Comma();
        at.Text(Statuses[random.Below(Statuses.Length)]).Comma();
        at.Text(Countries[random.Below(Countries.Length)]).Comma();
        at.Text(FirstNames[random.Below(FirstNames.Length)]).Text(".").Text(LastNames[random.Below(LastNames.Length)])
            .Number(random.Below(10_000)).Text("@").Text(Domains[random.Below(Domains.Length)]).Comma();
        var quantity = 1 + random.Below(12);
        var unitCents = 99 + random.Below(99_901);
        at.Number(quantity).Comma().Cents(unitCents).Comma().Cents(quantity * unitCents).Comma();
        if (random.Below(4) == 0)
            at.Cents(random.Below(3_001));
        at.Comma();
        at.Micros(random.Below(180_000_001) - 90_000_000).Comma();
        if (random.Below(7) == 0)
            at.Text(Comments[random.Below(Comments.Length)]);
        at.Text("\n");
    }

    /// <summary>One row's characters, appended without allocating.</summary>
    sealed class Line
    {
        readonly char[] _chars = new char[512];
        int _length;

        public ReadOnlySpan<char> Chars => _chars.AsSpan(0, _length);

        public Line Clear()
        {
            _length = 0;
            return this;
        }

        public Line Text(string value)
        {
            value.CopyTo(_chars.AsSpan(_length));
            _length += value.Length;
            return this;
        }

        public Line Comma() => Text(",");

        public Line Number(long value)
        {
            value.TryFormat(_chars.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
            _length += written;
            return this;
        }

        public Line Cents(long cents) => Fixed(cents, 2, "00");

        public Line Micros(long micros) => Fixed(micros, 6, "000000");

        public Line Timestamp(DateTime value)
        {
            value.TryFormat(_chars.AsSpan(_length), out var written, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            _length += written;
            return this;
        }

        /// <summary>A fixed-point number: <paramref name="value" /> / 10^<paramref name="digits" />, all digits shown.</summary>
        Line Fixed(long value, int digits, string format)
        {
            var unit = (long)Math.Pow(10, digits);
            if (value < 0)
                Text("-");
            var magnitude = Math.Abs(value);
            Number(magnitude / unit).Text(".");
            (magnitude % unit).TryFormat(_chars.AsSpan(_length), out var written, format, CultureInfo.InvariantCulture);
            _length += written;
            return this;
        }
    }

    /// <summary>SplitMix64: tiny, and unlike <see cref="Random" /> its sequence is fixed by its definition.</summary>
    struct SplitMix64(ulong seed)
    {
        ulong _state = seed;

        public long Below(long bound)
        {
            _state += 0x9E3779B97F4A7C15;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return (long)((z ^ (z >> 31)) % (ulong)bound);
        }
    }
}
