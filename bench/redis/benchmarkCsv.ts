/**
 * redis-benchmark's `--csv` output as rows. Redis 6.2 and later print a header and eight columns
 * (`"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"`);
 * older versions print no header and two columns (`"SET","81234.50"`), so their latencies are undefined.
 *
 * Example: `parseBenchmarkCsv(stdout).find((row) => row.test === 'GET')?.rps`
 */
export interface BenchmarkRow {
  readonly test: string;
  readonly rps: number;
  readonly avgMs?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly maxMs?: number;
}

/** The fields of one CSV line: `"a","b"` or `a,b`, quotes removed (`""` inside quotes is one `"`). */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  if (quoted) throw new Error(`unterminated quote in CSV line ${JSON.stringify(line)}`);
  fields.push(field);
  return fields.map((f) => f.trim());
}

function number(text: string | undefined, column: string, line: string): number {
  const n = Number(text);
  if (text === undefined || text === '' || !Number.isFinite(n) || n < 0) throw new Error(`bad ${column} ${JSON.stringify(text ?? '')} in CSV line ${JSON.stringify(line)}`);
  return n;
}

/** Parses redis-benchmark's `--csv` stdout; throws naming the first line it cannot read. Blank lines are skipped. */
export function parseBenchmarkCsv(text: string): BenchmarkRow[] {
  const lines = text
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const first = lines[0] === undefined ? [] : splitCsvLine(lines[0]);
  const header = first[0] === 'test' ? first : undefined;
  const column = (name: string): number | undefined => {
    const at = header?.indexOf(name) ?? -1;
    return at === -1 ? undefined : at;
  };
  const rpsAt = column('rps') ?? 1;
  const latency = { avgMs: column('avg_latency_ms'), p50Ms: column('p50_latency_ms'), p99Ms: column('p99_latency_ms'), maxMs: column('max_latency_ms') };
  if (header !== undefined && column('rps') === undefined) throw new Error(`CSV header without an rps column: ${JSON.stringify(lines[0])}`);
  return lines.slice(header === undefined ? 0 : 1).map((line) => {
    const fields = splitCsvLine(line);
    const test = fields[0] ?? '';
    if (test === '' || fields.length < 2) throw new Error(`not a redis-benchmark CSV line: ${JSON.stringify(line)}`);
    const row: { -readonly [K in keyof BenchmarkRow]: BenchmarkRow[K] } = { test, rps: number(fields[rpsAt], 'rps', line) };
    for (const [key, at] of Object.entries(latency) as [keyof typeof latency, number | undefined][]) {
      if (at !== undefined) row[key] = number(fields[at], key, line);
    }
    return row;
  });
}
