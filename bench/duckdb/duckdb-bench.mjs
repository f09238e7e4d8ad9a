// DuckDB as the yardstick for bench/conversion.sh (dev-only). Prints one JSON line.
//   node duckdb-bench.mjs convert <csv> <parquet> <threads>   a warm-up COPY, then a timed one (wall and CPU seconds)
//   node duckdb-bench.mjs profile <parquet>                   rows, and per column its non-null and distinct counts
import { statSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [mode, ...args] = process.argv.slice(2);
const quoted = path => `'${path.replaceAll("'", "''")}'`;

if (mode === 'convert') {
  const [csv, parquet, threads] = args;
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const connection = await instance.connect();
  const copy = `COPY (SELECT * FROM read_csv(${quoted(csv)})) TO ${quoted(parquet)} (FORMAT parquet, COMPRESSION zstd)`;
  await connection.run(copy); // warm-up
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await connection.run(copy);
  const used = process.cpuUsage(cpu);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, bytes: statSync(parquet).size }));
} else if (mode === 'profile') {
  // Type-independent, so our file and DuckDB's own compare even where the two chose different column types.
  const [parquet] = args;
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const source = `read_parquet(${quoted(parquet)})`;
  const names = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRows().map(row => String(row[0]));
  const column = name => `"${name.replaceAll('"', '""')}"`;
  const counts = names.flatMap(name => [`count(${column(name)})`, `count(DISTINCT ${column(name)})`]);
  const [row] = (await connection.runAndReadAll(`SELECT count(*), ${counts.join(', ')} FROM ${source}`)).getRows();
  const columns = names.map((name, i) => ({ name, nonNull: Number(row[1 + 2 * i]), distinct: Number(row[2 + 2 * i]) }));
  console.log(JSON.stringify({ rows: Number(row[0]), columns }));
} else {
  console.error('usage: duckdb-bench.mjs convert <csv> <parquet> <threads> | profile <parquet>');
  process.exit(2);
}
