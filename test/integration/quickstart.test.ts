import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Server } from 'node:http';
import { startMockProvider } from '../../src/mock-provider/server.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { seedCurl } from '../support/seed.js';

// examples/quickstart (what `npm start` serves) with the bundled mock provider; only the mock's
// port differs from the files, so the test can run beside anything on 11434.

const quickstart = (file: string): string => readFileSync(new URL(`../../examples/quickstart/${file}`, import.meta.url), 'utf8');

let mock: { server: Server; url: string };
let gw: RunningGateway;

before(async () => {
  mock = await startMockProvider('127.0.0.1', 0);
  gw = await startGateway({
    files: {
      'gateway.yaml': quickstart('gateway.yaml'),
      'httproute.yaml': quickstart('httproute.yaml'),
      'backend.yaml': quickstart('backend.yaml').replace('port: 11434', `port: ${new URL(mock.url).port}`),
    },
  });
});
after(async () => {
  await gw.stop();
  mock.server.close();
});

test('the seed curl gets a poem about recursion from the mock provider', async () => {
  const res = await seedCurl(gw.url);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { object: string; model: string; choices: { message: { content: string } }[]; usage: { total_tokens: number } };
  assert.equal(body.object, 'chat.completion');
  assert.equal(body.model, 'gpt-3.5-turbo');
  assert.match(body.choices[0]?.message.content ?? '', /recursion/);
  assert.ok(body.usage.total_tokens > 0);
});

test('the mock provider, like OpenAI, refuses a request without a key', async () => {
  const res = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
  assert.equal(res.status, 401);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'missing_api_key');
});
