using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SagaFiles.Processing.Conversion.Sql;

/// <summary>
/// One conversion of a dump: reads it statement by statement, keeps the tables CREATE TABLE defines and writes the rows
/// of INSERT ... VALUES and COPY ... FROM stdin into them. Every other statement is skipped.
/// <para>
/// The parsing methods share one convention: they start on the first token of what they read and leave the tokenizer on
/// the first token after it; a statement's method ends on its delimiter.
/// </para>
/// </summary>
sealed class SqlDumpReader(
    Stream input,
    Func<string, Stream> openTableOutput,
    SqlConversionOptions options,
    CancellationToken cancellationToken) : IDisposable
{
    const int RowsBetweenCancellationChecks = 4096;

    /// <summary>The longest table file name: the caller appends ".parquet" and the result must stay a file name that
    /// <see cref="FileNames.Sanitize" /> keeps whole.</summary>
    const int MaxFileNameLength = FileNames.MaxLength - 8;

    /// <summary>Hex digits of the hash that tells apart tables whose names are cut to the same file name.</summary>
    const int HashSuffixLength = 8;

    static readonly HashSet<string> CreateModifiers =
        new(["OR", "REPLACE", "GLOBAL", "LOCAL", "TEMPORARY", "TEMP", "UNLOGGED"], StringComparer.OrdinalIgnoreCase);

    static readonly HashSet<string> InsertModifiers =
        new(["LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE"], StringComparer.OrdinalIgnoreCase);

    static readonly HashSet<string> TableConstraints =
        new(["CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "LIKE", "EXCLUDE"], StringComparer.OrdinalIgnoreCase);

    /// <summary>MySQL's index clauses; in PostgreSQL these words can be plain column names.</summary>
    static readonly HashSet<string> MySqlIndexes =
        new(["KEY", "INDEX", "FULLTEXT", "SPATIAL"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Words that end a column's type and start its constraints or attributes.</summary>
    static readonly HashSet<string> ColumnAttributes = new([
        "NOT", "NULL", "DEFAULT", "PRIMARY", "UNIQUE", "REFERENCES", "CHECK", "CONSTRAINT", "COLLATE", "GENERATED",
        "AUTO_INCREMENT", "COMMENT", "CHARACTER", "CHARSET", "ON", "AS", "STORAGE", "COMPRESSION", "VISIBLE",
        "INVISIBLE", "SRID", "KEY"
    ], StringComparer.OrdinalIgnoreCase);

    /// <summary>What CREATE makes whose body can hold statements (INSERTs of its own): in SQL Server it runs to the end of
    /// its batch.</summary>
    static readonly HashSet<string> Routines =
        new(["PROCEDURE", "PROC", "FUNCTION", "TRIGGER", "VIEW", "ALTER"], StringComparer.OrdinalIgnoreCase);

    static readonly HashSet<string> SqliteTextFunctions =
        new(["replace", "char", "unistr"], StringComparer.OrdinalIgnoreCase);

    static readonly HashSet<string> CopyFormatOptions = new(
        ["CSV", "BINARY", "DELIMITER", "NULL", "HEADER", "QUOTE", "ESCAPE", "FORCE_QUOTE", "FORCE_NOT_NULL"],
        StringComparer.OrdinalIgnoreCase);

    readonly SqlTokenizer _tokens = new(input, options.MaxValueLength);
    readonly List<SqlTable> _created = [];
    readonly List<SqlTable> _open = [];
    readonly Dictionary<string, SqlTable> _byQualifiedName = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, SqlTable?> _byName = new(StringComparer.OrdinalIgnoreCase); // null: in several schemas
    readonly HashSet<string> _columnless = new(StringComparer.OrdinalIgnoreCase); // tables created without columns
    readonly HashSet<string> _enumTypes = new(StringComparer.OrdinalIgnoreCase);
    readonly HashSet<string> _fileNames = new(StringComparer.OrdinalIgnoreCase);
    readonly RowValues _row = new();
    string? _database;

    /// <summary>The tokenizer is on the first token of the next statement already (a SQL Server statement without ';').</summary>
    bool _nextStatementRead;
    long _statementLine;
    long _rowsWritten;

    public long BytesRead => _tokens.BytesRead;

    public async Task<IReadOnlyList<SqlTableConversion>> ReadAsync()
    {
        while (_nextStatementRead || await _tokens.NextAsync(cancellationToken).ConfigureAwait(false))
        {
            _nextStatementRead = false;
            cancellationToken.ThrowIfCancellationRequested();
            _statementLine = _tokens.Line;
            if (_tokens.Kind == SqlTokenKind.Delimiter)
                continue;
            if (_tokens.IsSymbol('\\'))
                await ClientCommandAsync().ConfigureAwait(false);
            else if (_tokens.IsWord("USE") && await NextAsync().ConfigureAwait(false))
            {
                UseDatabase(_tokens.Text.ToString()); // mysqldump --databases, SQL Server scripts
                await SkipStatementAsync().ConfigureAwait(false);
            }
            else if (_tokens.IsWord("SET") && await NextAsync().ConfigureAwait(false))
            {
                // SET @saved = @@setting: MySQL's variables, which sakila's and MySQL Workbench's scripts open with
                // before any backtick says the dump is MySQL's (KEY name (column) is then an index, not a column).
                _tokens.IsMySql |= _tokens.IsSymbol('@');
                await SkipStatementAsync().ConfigureAwait(false);
            }
            else if (_tokens.IsWord("DELIMITER"))
                await ChangeDelimiterAsync().ConfigureAwait(false);
            else if (_tokens.IsWord("CREATE"))
                await CreateAsync().ConfigureAwait(false);
            else if (_tokens.IsWord("INSERT") || _tokens.IsWord("REPLACE"))
                await InsertAsync().ConfigureAwait(false);
            else if (_tokens.IsWord("COPY"))
                await CopyAsync().ConfigureAwait(false);
            else if (_tokens.IsWord("ALTER"))
                await AlterAsync().ConfigureAwait(false);
            else
                await SkipStatementAsync().ConfigureAwait(false);
        }

        if (_created.Count == 0)
            throw new ConversionException(
                "The input has no CREATE TABLE statement, so there is no table to convert: is it a SQL dump with its schema?");

        foreach (var table in _created.Where(t => !t.IsFinished))
        {
            if (!table.IsOpen)
                table.Open(openTableOutput, options.ParquetOptions); // a table without rows still gets its schema
            table.Finish();
        }

        return _created.Select(t => new SqlTableConversion(t.FileName, t.Result())).ToList();
    }

    public void Dispose()
    {
        foreach (var table in _created)
            table.Dispose();
    }

    /// <summary>psql's meta-commands (\restrict, \connect): the rest of the line.</summary>
    async Task ClientCommandAsync()
    {
        await _tokens.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        var command = _tokens.Text.Trim();
        if (command.StartsWith("connect ", StringComparison.Ordinal) || command.StartsWith("c ", StringComparison.Ordinal))
            UseDatabase(command[(command.IndexOf(' ') + 1)..].Trim().ToString()); // pg_dumpall: the next database's tables follow
    }

    /// <summary>
    /// The statements that follow are <paramref name="database" />'s (pg_dumpall's \connect, MySQL's USE). Another
    /// database's tables may have the names of the previous one's, which they no longer refer to: their files are named
    /// apart as for two schemas. The same database again (a schema file and a data file run one after the other) keeps
    /// its tables.
    /// </summary>
    void UseDatabase(string database)
    {
        if (database.Equals(_database, StringComparison.Ordinal))
            return;
        _database = database;
        _byQualifiedName.Clear();
        _byName.Clear();
        _columnless.Clear();
    }

    /// <summary>mysql's client command DELIMITER ;; (around trigger and routine bodies): the rest of the line.</summary>
    async Task ChangeDelimiterAsync()
    {
        await _tokens.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        var delimiter = _tokens.Text.Trim().ToString();
        if (delimiter.Length == 0)
            throw new ConversionException("DELIMITER needs a delimiter on the same line.", _statementLine);
        _tokens.Delimiter = delimiter;
    }

    async Task CreateAsync()
    {
        await NextAsync().ConfigureAwait(false);
        while (_tokens.Kind == SqlTokenKind.Word && Contains(CreateModifiers, _tokens.Text))
            await NextAsync().ConfigureAwait(false);

        if (_tokens.IsWord("TYPE"))
        {
            await NextAsync().ConfigureAwait(false);
            var type = await ReadNameAsync("a type name").ConfigureAwait(false);
            if (_tokens.IsWord("AS") && await NextAsync().ConfigureAwait(false) && _tokens.IsWord("ENUM"))
                _enumTypes.Add(type.Name);
        }
        else if (_tokens.IsWord("TABLE"))
        {
            await NextAsync().ConfigureAwait(false);
            if (_tokens.IsWord("IF"))
            {
                for (var word = 0; word < 3; word++)
                    await NextAsync().ConfigureAwait(false); // IF NOT EXISTS
            }

            var name = await ReadNameAsync("a table name").ConfigureAwait(false);
            options.Limits.CheckName(name.Name, "the table name", _statementLine);
            // Without a column list (AS SELECT, PARTITION OF) the dump does not say what the columns are.
            if (_tokens.IsSymbol('('))
                Register(name, await ReadColumnsAsync(name.Name).ConfigureAwait(false));
        }

        // ENGINE=..., WITH (...), and the rest of other CREATEs; a SQL Server routine's body is its whole batch.
        var routine = _tokens.Kind == SqlTokenKind.Word && Contains(Routines, _tokens.Text);
        if (routine && !_tokens.IsSqlServer && _tokens.Delimiter == ";")
            await SkipRoutineAsync().ConfigureAwait(false);
        else
            await SkipStatementAsync(wholeBatch: routine).ConfigureAwait(false);
    }

    /// <summary>
    /// A routine or trigger whose body is BEGIN ... END of statements that end in ';' (SQLite's CREATE TRIGGER,
    /// PostgreSQL's BEGIN ATOMIC): to the delimiter after its END, over CASE ... END inside, so that the body's INSERTs
    /// are not read as rows of the dump.
    /// </summary>
    async Task SkipRoutineAsync()
    {
        var depth = 0;
        while (depth > 0 || _tokens.Kind != SqlTokenKind.Delimiter)
        {
            if (_tokens.IsWord("BEGIN") || (depth > 0 && _tokens.IsWord("CASE")))
                depth++;
            else if (depth > 0 && _tokens.IsWord("END"))
                depth--;
            await NextAsync().ConfigureAwait(false);
        }
    }

    async Task<List<SqlColumn>> ReadColumnsAsync(string table)
    {
        var columns = new List<SqlColumn>();
        await NextAsync().ConfigureAwait(false);
        while (!_tokens.IsSymbol(')'))
        {
            var constraint = _tokens.Kind == SqlTokenKind.Word &&
                             (Contains(TableConstraints, _tokens.Text) || (_tokens.IsMySql && Contains(MySqlIndexes, _tokens.Text)));
            if (constraint)
                await SkipListItemAsync($"table '{table}'").ConfigureAwait(false);
            else
            {
                columns.Add(await ReadColumnAsync(table).ConfigureAwait(false));
                options.Limits.CheckColumns(columns.Count, $"table '{table}'", _statementLine);
            }

            if (_tokens.IsSymbol(','))
                await NextAsync().ConfigureAwait(false);
            else if (!_tokens.IsSymbol(')'))
                throw new ConversionException($"unexpected '{_tokens.Text}' in the column list of table '{table}'.", _tokens.Line);
        }

        await NextAsync().ConfigureAwait(false);
        return columns;
    }

    async Task<SqlColumn> ReadColumnAsync(string table)
    {
        if (_tokens.Kind is not (SqlTokenKind.Word or SqlTokenKind.QuotedName))
            throw new ConversionException($"expected a column name in table '{table}', found '{_tokens.Text}'.", _tokens.Line);
        options.Limits.CheckName(_tokens.Text, $"a column name of table '{table}'", _tokens.Line);
        var name = _tokens.Text.ToString();
        await NextAsync().ConfigureAwait(false);

        var type = new StringBuilder();
        var generated = false;
        while (!(_tokens.IsSymbol(',') || _tokens.IsSymbol(')')))
        {
            if (type.Length > 0 && _tokens.Kind == SqlTokenKind.Word && Contains(ColumnAttributes, _tokens.Text))
            {
                var attributes = new List<string>();
                await SkipListItemAsync($"table '{table}'", attributes).ConfigureAwait(false);
                // [GENERATED ALWAYS] AS (expression): computed, its value not in the dump; AS IDENTITY values are.
                generated = (attributes.Contains("GENERATED", StringComparer.OrdinalIgnoreCase) ||
                             attributes.Contains("AS", StringComparer.OrdinalIgnoreCase)) &&
                            !attributes.Contains("IDENTITY", StringComparer.OrdinalIgnoreCase);
                break;
            }

            if (_tokens.IsSymbol('('))
            {
                await AppendTypeArgumentsAsync(type, table).ConfigureAwait(false);
                continue;
            }

            if (_tokens.Kind == SqlTokenKind.Delimiter)
                throw ParenthesesNotClosed($"table '{table}'");
            if (type.Length > 0 && _tokens.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedName && type[^1] is not ('.' or '['))
                type.Append(' ');
            type.Append(_tokens.Text);
            await NextAsync().ConfigureAwait(false);
        }

        var declared = type.ToString();
        return new SqlColumn(name, declared, SqlColumnTypes.Map(declared, _enumTypes), generated);
    }

    /// <summary>A type's arguments as written, "(10,2)" or "('a','b')", appended to its name.</summary>
    async Task AppendTypeArgumentsAsync(StringBuilder type, string table)
    {
        var depth = 0;
        do
        {
            if (_tokens.Kind == SqlTokenKind.Delimiter)
                throw ParenthesesNotClosed($"table '{table}'");
            if (_tokens.IsSymbol('('))
                depth++;
            else if (_tokens.IsSymbol(')'))
                depth--;
            if (_tokens.Kind == SqlTokenKind.String)
                type.Append('\'').Append(_tokens.Text).Append('\'');
            else
                type.Append(_tokens.Text);
            await NextAsync().ConfigureAwait(false);
        } while (depth > 0);
    }

    /// <summary>Skips to the ',' or ')' that ends the current item of a parenthesized list, over nested parentheses;
    /// the words outside them go to <paramref name="words" /> when given.</summary>
    async Task SkipListItemAsync(string what, List<string>? words = null)
    {
        var depth = 0;
        while (depth > 0 || !(_tokens.IsSymbol(',') || _tokens.IsSymbol(')')))
        {
            if (_tokens.Kind == SqlTokenKind.Delimiter)
                throw ParenthesesNotClosed(what);
            if (depth == 0 && _tokens.Kind == SqlTokenKind.Word)
                words?.Add(_tokens.Text.ToString());
            if (_tokens.IsSymbol('('))
                depth++;
            else if (_tokens.IsSymbol(')'))
                depth--;
            await NextAsync().ConfigureAwait(false);
        }
    }

    ConversionException ParenthesesNotClosed(string what) =>
        new($"the parentheses of {what} are not closed before the statement ends.", _tokens.Line);

    SqlTable? Register(TableName name, List<SqlColumn> columns)
    {
        if (columns.Count == 0)
        {
            _columnless.Add(name.Key); // nothing to write (CREATE TABLE t () or only LIKE other), but pg_dump dumps its rows
            return null;
        }

        if (_byQualifiedName.ContainsKey(name.Key))
            throw new ConversionException($"table '{name}' is created a second time.", _statementLine);
        if (_created.Count == options.Limits.MaxTables)
            throw ProcessingLimits.Breach(nameof(ProcessingLimits.MaxTables), _created.Count + 1, options.Limits.MaxTables,
                $"the dump creates more tables (the last one: '{name}')", _statementLine);
        if (columns.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            throw new ConversionException($"column '{repeated.Key}' is declared twice in table '{name}'.", _statementLine);

        var table = new SqlTable(name.Name, UniqueFileName(name), columns);
        _created.Add(table);
        _byQualifiedName[name.Key] = table;
        _byName[name.Name] = _byName.ContainsKey(name.Name) ? null : table;
        return table;
    }

    /// <summary>
    /// A table the dump writes rows into without creating it (pg_dump --data-only, sakila-data.sql without its schema
    /// script): its columns as the rows name them, or column_1..n, all strings, since the dump does not say their types.
    /// </summary>
    SqlTable RegisterUntyped(TableName name, IReadOnlyList<string> columns)
    {
        options.Limits.CheckName(name.Name, "the table name", _statementLine);
        options.Limits.CheckColumns(columns.Count, $"table '{name}'", _statementLine);
        foreach (var column in columns)
            options.Limits.CheckName(column, $"a column name of table '{name}'", _statementLine);
        return Register(name, columns.Select(c => new SqlColumn(c, "", SqlColumnTypes.Map("text", _enumTypes), false)).ToList())
               ?? throw new ConversionException($"the rows for table '{name}' have no values.", _statementLine);
    }

    /// <summary>
    /// The table's name as a safe file name. A name too long to keep whole is cut and ends in a hash of the full
    /// (qualified) name, so tables that share their beginning get distinct names that do not depend on their order;
    /// a name used already (the same table name in two schemas) gets _2, _3, ...
    /// </summary>
    string UniqueFileName(TableName table)
    {
        var safe = FileNames.Sanitize(table.Name.Replace('/', '_').Replace('\\', '_')); // a name, not a path
        if (table.Name.Length > MaxFileNameLength || safe.Length > MaxFileNameLength)
            safe = $"{safe[..(MaxFileNameLength - HashSuffixLength - 1)].TrimEnd('.', ' ')}_{Hash(table.Key)}";
        var candidate = safe;
        for (var suffix = 2; !_fileNames.Add(candidate); suffix++)
            candidate = $"{safe}_{suffix}";
        return candidate;
    }

    static string Hash(string name) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..HashSuffixLength];

    /// <summary>The table CREATE TABLE made for <paramref name="name" />; null when none did.</summary>
    SqlTable? Find(TableName name, string statement)
    {
        if (_byQualifiedName.TryGetValue(name.Key, out var table))
            return table;
        // An unqualified reference finds the one table of that name; a qualified one finds a table created unqualified.
        if (name.Schema is null && _byName.TryGetValue(name.Name, out var single))
        {
            return single ?? throw new ConversionException(
                $"{statement} into table '{name}', which several schemas define: qualify it with its schema.", _statementLine);
        }

        return name.Schema is not null && _byQualifiedName.TryGetValue(name.Name, out var unqualified) ? unqualified : null;
    }

    /// <summary>
    /// pg_dump's ALTER TABLE ONLY parent ATTACH PARTITION child, written before the rows: the partition's rows are its
    /// partitioned table's too, which holds none of its own (SELECT count(*) FROM parent counts them all). Other ALTERs
    /// are skipped.
    /// </summary>
    async Task AlterAsync()
    {
        await NextAsync().ConfigureAwait(false);
        if (_tokens.IsWord("TABLE") && await NextAsync().ConfigureAwait(false) &&
            (!_tokens.IsWord("ONLY") || await NextAsync().ConfigureAwait(false)) &&
            _tokens.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedName)
        {
            var parentName = await ReadNameAsync("a table name").ConfigureAwait(false);
            if (_tokens.IsWord("ATTACH") && await NextAsync().ConfigureAwait(false) && _tokens.IsWord("PARTITION") &&
                await NextAsync().ConfigureAwait(false) && _tokens.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedName)
            {
                var childName = await ReadNameAsync("a partition name").ConfigureAwait(false);
                if (Find(parentName, "ALTER") is { } parent && Find(childName, "ALTER") is { } child &&
                    !parent.DescendsFrom(child))
                    child.Parent = parent;
            }
        }

        await SkipStatementAsync().ConfigureAwait(false);
    }

    async Task InsertAsync()
    {
        await NextAsync().ConfigureAwait(false);
        while (_tokens.Kind == SqlTokenKind.Word && Contains(InsertModifiers, _tokens.Text))
            await NextAsync().ConfigureAwait(false);
        if (_tokens.IsWord("INTO"))
            await NextAsync().ConfigureAwait(false);

        var name = await ReadNameAsync("a table name").ConfigureAwait(false);
        if (name.Name.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase) && !_byName.ContainsKey(name.Name))
        {
            // SQLite's own tables (sqlite_sequence, sqlite_stat1): sqlite3's .dump restores their rows without creating them.
            await SkipStatementAsync().ConfigureAwait(false);
            return;
        }

        var table = Find(name, "INSERT");
        if (table is null && _columnless.Contains(name.Key))
        {
            await SkipStatementAsync().ConfigureAwait(false); // INSERT INTO t DEFAULT VALUES: no column to write
            return;
        }

        var listed = _tokens.IsSymbol('(') ? await ReadColumnNamesAsync(name).ConfigureAwait(false) : null;
        if (table is null && listed is not null)
            table = RegisterUntyped(name, listed);
        var mapping = table is null ? null : listed is null ? table.AllColumns : MapColumns(table, listed);
        if (_tokens.IsWord("OVERRIDING"))
        {
            for (var word = 0; word < 3; word++)
                await NextAsync().ConfigureAwait(false); // OVERRIDING SYSTEM VALUE
        }

        if (!(_tokens.IsWord("VALUES") || _tokens.IsWord("VALUE")))
            throw new ConversionException(
                $"only INSERT ... VALUES with literal rows can be converted, but this INSERT into '{name.Name}' has " +
                $"'{_tokens.Text}' where VALUES belongs.", _tokens.Line);

        await NextAsync().ConfigureAwait(false);
        for (var rowNumber = 1;; rowNumber++)
        {
            var where = new RowSource(name.Name, rowNumber);
            if (!_tokens.IsSymbol('('))
                throw new ConversionException($"expected '(' to start {where}, found '{_tokens.Text}'.", _tokens.Line);
            var rowLine = _tokens.Line;
            _row.Clear();
            await NextAsync().ConfigureAwait(false);
            while (!_tokens.IsSymbol(')'))
            {
                if (_tokens.IsWord("DEFAULT") && (table is null || mapping is null ||
                                                  (_row.Count < mapping.Targets.Length && table.DefaultIsNull(mapping.Targets[_row.Count]))))
                {
                    // pg_dump --inserts writes DEFAULT for a generated column; its COPY leaves the column out: null.
                    _row.AddNull();
                    await NextAsync().ConfigureAwait(false);
                }
                else
                    await ReadValueAsync(where).ConfigureAwait(false);
                if (_tokens.IsSymbol(','))
                    await NextAsync().ConfigureAwait(false);
                else if (!_tokens.IsSymbol(')'))
                    throw new ConversionException($"expected ',' or ')' after a value in {where}, found '{_tokens.Text}'.",
                        _tokens.Line);
            }

            table ??= RegisterUntyped(name, Enumerable.Range(1, _row.Count).Select(i => $"column_{i}").ToList());
            mapping ??= table.AllColumns;
            // sqlite3's .dump leaves generated columns out of a row without naming the columns it gives.
            var rowMapping = listed is null && _row.Count != mapping.Targets.Length &&
                             table.StoredColumns?.Targets.Length == _row.Count
                ? table.StoredColumns
                : mapping;
            WriteRow(table, rowMapping, rowLine, where);
            await NextAsync().ConfigureAwait(false);
            if (!_tokens.IsSymbol(','))
                break;
            await NextAsync().ConfigureAwait(false);
        }

        await SkipStatementAsync().ConfigureAwait(false); // ON CONFLICT, ON DUPLICATE KEY UPDATE, RETURNING
    }

    /// <summary>A literal: string, number (signed), NULL, TRUE/FALSE, optionally cast (::type) or introduced (_binary).</summary>
    async Task ReadValueAsync(RowSource where)
    {
        if (_tokens.Kind is SqlTokenKind.String or SqlTokenKind.Number)
        {
            _row.Add(_tokens.Text);
        }
        else if (_tokens.IsSymbol('-') || _tokens.IsSymbol('+'))
        {
            var negative = _tokens.IsSymbol('-');
            await NextAsync().ConfigureAwait(false);
            if (_tokens.Kind != SqlTokenKind.Number)
                throw NotALiteral(where);
            _row.Start();
            if (negative)
                _row.Append('-');
            _row.Append(_tokens.Text);
            _row.End();
        }
        else if (_tokens.IsWord("NULL"))
        {
            _row.AddNull();
        }
        else if (_tokens.IsWord("TRUE") || _tokens.IsWord("FALSE"))
        {
            _row.Add(_tokens.IsWord("TRUE") ? "true" : "false");
        }
        else if (_tokens.IsWord("CAST"))
        {
            // SQL Server scripts (SSMS): CAST(N'2020-01-01T00:00:00.000' AS DateTime), CAST(1.50 AS Decimal(10, 2)).
            await NextAsync().ConfigureAwait(false);
            if (!_tokens.IsSymbol('('))
                throw NotALiteral(where);
            await NextAsync().ConfigureAwait(false);
            await ReadValueAsync(where).ConfigureAwait(false);
            if (!_tokens.IsWord("AS"))
                throw NotALiteral(where);
            await SkipListItemAsync(where.ToString()).ConfigureAwait(false); // the type, to CAST's ')'
        }
        else if (_tokens.Kind == SqlTokenKind.Word && Contains(SqliteTextFunctions, _tokens.Text))
        {
            _row.Add(await ReadTextExpressionAsync(where).ConfigureAwait(false));
            return;
        }
        else if (_tokens.Kind == SqlTokenKind.Word && _tokens.Text[0] == '_')
        {
            await NextAsync().ConfigureAwait(false); // MySQL's character set introducer: _binary '...', _utf8mb4 '...'
            if (_tokens.Kind != SqlTokenKind.String)
                throw NotALiteral(where);
            _row.Add(_tokens.Text);
        }
        else
        {
            throw NotALiteral(where);
        }

        await NextAsync().ConfigureAwait(false);
        if (_tokens.IsSymbol(':'))
            await SkipListItemAsync(where.ToString()).ConfigureAwait(false); // a cast, '...'::jsonb: the literal is the value
    }

    /// <summary>
    /// A string, or the functions sqlite3's .dump spells characters with that its literals cannot hold:
    /// replace(replace('a\r\nb','\r',char(13)),'\n',char(10)) and unistr('a\000ab'), evaluated to their text.
    /// </summary>
    async Task<string> ReadTextExpressionAsync(RowSource where)
    {
        if (_tokens.Kind == SqlTokenKind.String)
        {
            var literal = _tokens.Text.ToString();
            await NextAsync().ConfigureAwait(false);
            return literal;
        }

        if (_tokens.Kind != SqlTokenKind.Word || !Contains(SqliteTextFunctions, _tokens.Text))
            throw NotALiteral(where);
        var function = _tokens.Text.ToString().ToLowerInvariant();
        await NextAsync().ConfigureAwait(false);
        if (!_tokens.IsSymbol('('))
            throw NotALiteral(where);
        await NextAsync().ConfigureAwait(false);
        var arguments = new List<string>();
        var characters = new StringBuilder();
        while (!_tokens.IsSymbol(')'))
        {
            if (function != "char")
                arguments.Add(await ReadTextExpressionAsync(where).ConfigureAwait(false));
            else if (_tokens.Kind == SqlTokenKind.Number &&
                     int.TryParse(_tokens.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) &&
                     code is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF))
            {
                characters.Append(char.ConvertFromUtf32(code));
                await NextAsync().ConfigureAwait(false);
            }
            else
                throw NotALiteral(where);

            if (_tokens.IsSymbol(','))
                await NextAsync().ConfigureAwait(false);
            else if (!_tokens.IsSymbol(')'))
                throw new ConversionException($"expected ',' or ')' in {function}(...) in {where}, found '{_tokens.Text}'.",
                    _tokens.Line);
        }

        await NextAsync().ConfigureAwait(false);
        return function switch
        {
            "char" => characters.ToString(),
            "replace" when arguments.Count == 3 => arguments[1].Length == 0
                ? arguments[0]
                : arguments[0].Replace(arguments[1], arguments[2], StringComparison.Ordinal),
            "unistr" when arguments.Count == 1 && TryUnescapeUnistr(arguments[0], out var text) => text,
            _ => throw new ConversionException($"{function}(...) in {where} has arguments it cannot take.", _tokens.Line)
        };
    }

    /// <summary>SQLite's unistr(): \\ is a backslash, \XXXX and \uXXXX, \+XXXXXX and \UXXXXXXXX code points.</summary>
    static bool TryUnescapeUnistr(string escaped, out string text)
    {
        var result = new StringBuilder(escaped.Length);
        text = "";
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] != '\\')
            {
                result.Append(escaped[i]);
                continue;
            }

            var rest = escaped.AsSpan(i + 1);
            var (skip, digits) = rest switch
            {
                ['\\', ..] => (0, 0),
                ['u', ..] => (1, 4),
                ['+', ..] => (1, 6),
                ['U', ..] => (1, 8),
                _ => (0, 4)
            };
            if (digits == 0)
            {
                result.Append('\\');
                i++;
                continue;
            }

            if (rest.Length < skip + digits ||
                !int.TryParse(rest.Slice(skip, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture,
                    out var code) || code is < 0 or > 0x10FFFF or (>= 0xD800 and <= 0xDFFF))
                return false;
            result.Append(char.ConvertFromUtf32(code));
            i += skip + digits;
        }

        text = result.ToString();
        return true;
    }

    ConversionException NotALiteral(RowSource where) =>
        new($"'{_tokens.Text}' in {where} is not a literal value; only strings, numbers, NULL, TRUE and FALSE can be converted.",
            _tokens.Line);

    async Task CopyAsync()
    {
        await NextAsync().ConfigureAwait(false);
        var name = await ReadNameAsync("a table name").ConfigureAwait(false);
        var table = Find(name, "COPY");
        var listed = _tokens.IsSymbol('(') ? await ReadColumnNamesAsync(name).ConfigureAwait(false) : null;
        if (!_tokens.IsWord("FROM"))
        {
            await SkipStatementAsync().ConfigureAwait(false); // COPY ... TO: an export, no rows in the dump
            return;
        }

        await NextAsync().ConfigureAwait(false);
        if (!_tokens.IsWord("STDIN"))
            throw new ConversionException(
                $"COPY into '{name.Name}' reads from {_tokens.Text}, not stdin: its rows are not in the dump.", _tokens.Line);
        while (await NextAsync().ConfigureAwait(false) && _tokens.Kind != SqlTokenKind.Delimiter)
        {
            if (_tokens.Kind == SqlTokenKind.Word && Contains(CopyFormatOptions, _tokens.Text))
                throw new ConversionException(
                    $"COPY into '{name.Name}' sets {_tokens.Text.ToString().ToUpperInvariant()}: only COPY's default text " +
                    "format (as pg_dump writes it) can be converted.", _tokens.Line);
        }

        if (table is null && listed is null && !_columnless.Contains(name.Key))
            throw new ConversionException(
                $"COPY into table '{name}', which no CREATE TABLE before it defines, names no columns.", _statementLine);
        table ??= listed is null ? null : RegisterUntyped(name, listed); // null: a table of no columns, nothing to write
        var mapping = table is null ? null : listed is null ? table.AllColumns : MapColumns(table, listed);
        await _tokens.ReadLineAsync(cancellationToken).ConfigureAwait(false); // the rows start on the next line
        var where = new RowSource(name.Name, InsertRow: 0);
        while (true)
        {
            if (!await _tokens.ReadLineAsync(cancellationToken).ConfigureAwait(false))
                throw new ConversionException(
                    $"the COPY data for table '{name.Name}' has no end marker (a line \\.) before the end of the input.",
                    _statementLine);
            if (_tokens.Text is @"\.")
                return;
            if (table is null || mapping is null)
                continue;
            ReadCopyFields(_tokens.Text);
            WriteRow(table, mapping, _tokens.Line, where);
        }
    }

    /// <summary>COPY's text format: fields split by tabs, \N for null, backslash escapes.</summary>
    void ReadCopyFields(ReadOnlySpan<char> line)
    {
        _row.Clear();
        while (true)
        {
            var tab = line.IndexOf('\t');
            var field = tab < 0 ? line : line[..tab];
            if (field is @"\N")
                _row.AddNull();
            else if (!field.Contains('\\'))
                _row.Add(field);
            else
                AppendCopyUnescaped(field);
            if (tab < 0)
                return;
            line = line[(tab + 1)..];
        }
    }

    void AppendCopyUnescaped(ReadOnlySpan<char> field)
    {
        _row.Start();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] != '\\' || i + 1 == field.Length)
            {
                _row.Append(field[i]);
                continue;
            }

            var c = field[++i];
            switch (c)
            {
                case 'b': _row.Append('\b'); break;
                case 'f': _row.Append('\f'); break;
                case 'n': _row.Append('\n'); break;
                case 'r': _row.Append('\r'); break;
                case 't': _row.Append('\t'); break;
                case 'v': _row.Append('\v'); break;
                case >= '0' and <= '7': _row.Append((char)ReadCode(field, ref i, 3, 8)); break;
                case 'x' when i + 1 < field.Length && char.IsAsciiHexDigit(field[i + 1]):
                    i++;
                    _row.Append((char)ReadCode(field, ref i, 2, 16));
                    break;
                default: _row.Append(c); break;
            }
        }

        _row.End();
    }

    /// <summary>Up to <paramref name="maxDigits" /> digits from <paramref name="i" /> on; leaves i on the last one.</summary>
    static int ReadCode(ReadOnlySpan<char> field, ref int i, int maxDigits, int radix)
    {
        var code = 0;
        for (var digits = 0; digits < maxDigits && i < field.Length; digits++, i++)
        {
            var digit = char.IsAsciiDigit(field[i]) ? field[i] - '0' : char.IsAsciiHexDigit(field[i]) ? (field[i] | 0x20) - 'a' + 10 : radix;
            if (digit >= radix)
                break;
            code = code * radix + digit;
        }

        i--;
        return code;
    }

    void WriteRow(SqlTable table, ColumnMapping mapping, long line, RowSource where)
    {
        var expected = mapping.Targets.Length;
        if (_row.Count != expected)
        {
            var columns = ReferenceEquals(mapping, table.AllColumns) ? $"table '{table.Name}' has" : "its column list names";
            throw new ConversionException($"{where} has {_row.Count} values, but {columns} {expected} columns.", line);
        }

        EnsureOpen(table, line);
        var sequence = ++_rowsWritten;
        if (table.TryWriteRow(_row, mapping, sequence) is { } misfit)
            throw new ConversionException($"{where}: {misfit}", line);
        for (var (partition, values) = (table, mapping); partition.Parent is { } parent; partition = parent)
        {
            values = partition.MappingInParent(values, out var error) ?? throw new ConversionException($"{where}: {error}", line);
            EnsureOpen(parent, line);
            if (parent.TryWriteRow(_row, values, sequence) is { } parentMisfit)
                throw new ConversionException($"{where}: {parentMisfit}", line);
        }

        options.RowsWritten?.Invoke(_rowsWritten);
        if (_rowsWritten % RowsBetweenCancellationChecks == 0)
            cancellationToken.ThrowIfCancellationRequested();
    }

    void EnsureOpen(SqlTable table, long line)
    {
        if (table.IsOpen)
            return;
        if (table.IsFinished)
            throw new ConversionException(
                $"rows for table '{table.Name}' come after the rows of {options.MaxOpenTables} other tables, when its file " +
                "was already finished to bound memory: keep each table's rows together, as pg_dump and mysqldump do, " +
                "or raise MaxOpenTables.", line);

        if (_open.Count >= options.MaxOpenTables)
        {
            var leastRecent = _open.MinBy(t => t.LastWrite)!;
            leastRecent.Finish();
            _open.Remove(leastRecent);
        }

        table.Open(openTableOutput, options.ParquetOptions);
        _open.Add(table);
    }

    async Task<List<string>> ReadColumnNamesAsync(TableName table)
    {
        var names = new List<string>();
        await NextAsync().ConfigureAwait(false);
        while (!_tokens.IsSymbol(')'))
        {
            if (_tokens.Kind is not (SqlTokenKind.Word or SqlTokenKind.QuotedName))
                throw new ConversionException(
                    $"expected a column name in the column list for table '{table.Name}', found '{_tokens.Text}'.", _tokens.Line);
            names.Add(_tokens.Text.ToString());
            await NextAsync().ConfigureAwait(false);
            if (_tokens.IsSymbol(','))
                await NextAsync().ConfigureAwait(false);
        }

        await NextAsync().ConfigureAwait(false);
        return names;
    }

    ColumnMapping MapColumns(SqlTable table, List<string> names)
    {
        var mapping = table.MapColumns(names, out var error);
        return error is null ? mapping : throw new ConversionException(error, _statementLine);
    }

    /// <summary>A possibly qualified name (schema.table, `db`.`t`, public."Order"); the last part is the name. SQLite
    /// also takes a 'string' for one: its .dump creates the tables behind a full-text index as 'ft_data'.</summary>
    async Task<TableName> ReadNameAsync(string what)
    {
        string? qualifier = null;
        while (true)
        {
            if (_tokens.Kind is not (SqlTokenKind.Word or SqlTokenKind.QuotedName or SqlTokenKind.String))
                throw new ConversionException($"expected {what}, found '{_tokens.Text}'.", _tokens.Line);
            var part = _tokens.Text.ToString();
            await NextAsync().ConfigureAwait(false);
            if (!_tokens.IsSymbol('.'))
                return new TableName(qualifier, part);
            qualifier = part;
            await NextAsync().ConfigureAwait(false);
        }
    }

    /// <summary>To the statement's delimiter, or to the INSERT or CREATE that starts a line of a SQL Server script, whose
    /// statements need not end with ';' (SSMS writes SET IDENTITY_INSERT t ON, then its INSERTs, one a line).</summary>
    /// <remarks>A ';' inside parentheses does not end the statement: pg_dump's CREATE RULE ... DO INSTEAD (INSERT ...;
    /// INSERT ...) holds INSERTs that are not rows of the dump.</remarks>
    async Task SkipStatementAsync(bool wholeBatch = false)
    {
        var depth = 0;
        while (depth > 0 || (_tokens.Kind != SqlTokenKind.Delimiter && !StartsNextStatement(wholeBatch)))
        {
            if (_tokens.IsSymbol('('))
                depth++;
            else if (_tokens.IsSymbol(')') && depth > 0)
                depth--;
            await NextAsync().ConfigureAwait(false);
        }
    }

    bool StartsNextStatement(bool wholeBatch = false) =>
        _nextStatementRead = _tokens.IsSqlServer && !wholeBatch && _tokens.StartsLine &&
                             (_tokens.IsWord("INSERT") || _tokens.IsWord("CREATE")) && _tokens.Line > _statementLine;

    /// <summary>The next token of the current statement; the input must not end before the statement does.</summary>
    async Task<bool> NextAsync()
    {
        if (!await _tokens.NextAsync(cancellationToken).ConfigureAwait(false))
            throw new ConversionException(
                $"the statement that starts here does not end with '{_tokens.Delimiter}' before the end of the input.",
                _statementLine);
        return true;
    }

    static bool Contains(HashSet<string> words, ReadOnlySpan<char> word) =>
        words.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word);

    /// <summary>Where a row comes from, for error messages (built only when one is thrown).</summary>
    readonly record struct RowSource(string Table, int InsertRow)
    {
        public override string ToString() => InsertRow > 0
            ? $"row {InsertRow} of the INSERT into '{Table}'"
            : $"the COPY row for table '{Table}'";
    }

    readonly record struct TableName(string? Schema, string Name)
    {
        public string Key => Schema is null ? Name : $"{Schema}.{Name}";

        public override string ToString() => Key;
    }
}
