import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAccessLine, type AccessLine } from './logger.js';

const line: AccessLine = {
  reqId: 'r1',
  method: 'POST',
  path: '/openai/"quoted"\\path\u2028',
  route: 'ns/r',
  backend: undefined,
  operation: 'chat',
  status: 200,
  upstreamStatus: 200,
  durationMs: 1.25,
  model: 'gpt-4o',
  providerModel: undefined,
  stream: true,
  usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
  error: undefined,
};

test('an access line is one valid JSON object per line, absent fields left out', () => {
  const text = formatAccessLine(Date.UTC(2026, 0, 2, 3, 4, 5), line);
  assert.ok(text.endsWith('}\n'));
  assert.equal(text.split('\n').length, 2);
  assert.deepEqual(JSON.parse(text), {
    level: 'info',
    time: '2026-01-02T03:04:05.000Z',
    msg: 'request',
    reqId: 'r1',
    method: 'POST',
    path: '/openai/"quoted"\\path\u2028',
    route: 'ns/r',
    operation: 'chat',
    status: 200,
    upstreamStatus: 200,
    durationMs: 1.25,
    model: 'gpt-4o',
    stream: true,
    usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
  });
});
