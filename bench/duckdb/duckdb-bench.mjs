// DuckDB as the yardstick for bench/conversion.sh (dev-only). Prints one JSON line.
//   node duckdb-bench.mjs convert <csv> <parquet> <threads> <runs>   warm-up, then <runs> timed COPYs
//   node duckdb-bench.mjs profile <parquet>                          rows, and per column its non-null and distinct counts
import { statSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [mode, ...args] = process.argv.slice(2);
const quoted = path => `'${path.replaceAll("'", "''")}'`;

if (mode === 'convert') {
  const [csv, parquet, threads, runs] = args;
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const connection = await instance.connect();
  const copy = `COPY (SELECT * FROM read_csv(${quoted(csv)})) TO ${quoted(parquet)} (FORMAT parquet, COMPRESSION zstd)`;
  await connection.run(copy); // warm-up
  const seconds = [];
  const cpuSeconds = [];
  for (let i = 0; i < Number(runs); i++) {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    await connection.run(copy);
    const used = process.cpuUsage(cpu);
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
    cpuSeconds.push((used.user + used.system) / 1e6);
  }
  console.log(JSON.stringify({ seconds, cpuSeconds, bytes: statSync(parquet).size }));
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
  console.error('usage: duckdb-bench.mjs convert <csv> <parquet> <threads> <runs> | profile <parquet>');
  process.exit(2);
}
