import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { formatAccessLine } from '../../src/observability/logger.js';
import { GatewayMetrics } from '../../src/observability/metrics.js';
import { FAILURE_REASONS } from '../../src/proxy/attempt-failure.js';

// docs/observability.md against the code: every metric with its type and labels, every
// failure reason, every access-log field.

const DOC = readFileSync(new URL('../../docs/observability.md', import.meta.url), 'utf8');

/** The rows of the first table after a heading, as cells without their backticks. */
function table(heading: string): string[][] {
  const at = DOC.indexOf(`${heading}\n`);
  assert.notEqual(at, -1, `docs/observability.md has "${heading}"`);
  const lines = DOC.slice(at).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}

const names = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);

test('every gateway metric is in the table, with its type and labels', async () => {
  const metrics = new GatewayMetrics({ processMetrics: false });
  metrics.trackKubernetes({ isLeader: true, statusWrites: { ok: 1, failed: 0 } });
  // One series each, so their labels show.
  metrics.requests.inc(['r', 'b', '200']);
  metrics.duration.observe(['r', 'b'], 0.1);
  metrics.promptTokens.inc(['openai', 'm'], 1);
  metrics.completionTokens.inc(['openai', 'm'], 1);
  metrics.attempts.inc(['p', 'answered']);
  metrics.attemptDuration.observe(['p'], 0.1);
  metrics.configReloads.labels('ok').inc();
  const text = await metrics.render();
  const rendered = new Map<string, { type: string; labels: string[] }>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) rendered.set(name as string, { type: type as string, labels: [] });
  for (const [name, entry] of rendered) {
    const series = new RegExp(`^${name}(?:_bucket)?\\{([^}]*)\\}`, 'm').exec(text);
    entry.labels = series === null ? [] : [...(series[1] as string).matchAll(/(\w+)="/g)].map((m) => m[1] as string).filter((l) => l !== 'le');
  }
  const documented = new Map(table('## Metrics').map((row) => [names(row[0] ?? '')[0] ?? '', { type: row[1] ?? '', labels: names(row[2] ?? '') }]));
  assert.deepEqual([...documented.keys()].sort(), [...rendered.keys()].sort());
  for (const [name, entry] of rendered) assert.deepEqual(documented.get(name), entry, name);
});

test('every reason an attempt can fail for is explained', () => {
  const documented = table('### Why an attempt failed: the `outcome` label and the access line\'s `reason`').map((row) => names(row[0] ?? '')[0]);
  assert.deepEqual(documented, [...FAILURE_REASONS]);
});

test('every access-log field is in the table', () => {
  const line = formatAccessLine(0, {
    reqId: 'id',
    method: 'POST',
    path: '/',
    route: 'r',
    backend: 'b',
    operation: 'chat',
    status: 200,
    upstreamStatus: 200,
    durationMs: 1,
    model: 'm',
    providerModel: 'pm',
    stream: false,
    usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
    error: 'internal_error',
    attempts: [{ provider: 'p', status: 500, reason: 'status', durationMs: 1 }],
  });
  const written = Object.keys(JSON.parse(line) as object);
  const documented = table('## The access log').flatMap((row) => names(row[0] ?? ''));
  assert.deepEqual(documented.sort(), written.sort());
});
