import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { eventually, startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { aiBackend, GATEWAY, route } from '../support/manifests.js';

// Every request gets exactly one access-log line, and what clients do to their own requests
// never reaches the error log.

let fake: FakeLlm;
let gw: RunningGateway;

before(async () => {
  fake = await startFakeLlm();
  gw = await startGateway({
    files: { 'gateway.yaml': GATEWAY, 'ai.yaml': aiBackend('ai', { port: fake.port }) + '---\n' + route('ai', '/ai', 'ai') },
  });
});
after(async () => {
  await fake.close();
});

interface Line {
  level: string;
  msg: string;
  path?: string;
  status?: number;
  reqId?: string;
}

const lines = (): Line[] => gw.logs.map((l) => JSON.parse(l) as Line);
const accessLines = (path: string): Line[] => lines().filter((l) => l.msg === 'request' && l.path === path);

test('a client that goes away while sending its body: one quiet 499 line, nothing at error level', async () => {
  const path = '/ai/v1/chat/completions';
  await new Promise<void>((resolve) => {
    const req = request(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000' } });
    req.on('error', () => resolve());
    req.write('{"model":"gpt-4o-mini","messages":[');
    setTimeout(() => {
      req.destroy();
      resolve();
    }, 50);
  });
  await eventually(() => accessLines(path).length > 0);
  await new Promise((r) => setTimeout(r, 100));
  const access = accessLines(path);
  assert.equal(access.length, 1);
  assert.equal(access[0]?.status, 499);
  assert.deepEqual(
    lines().filter((l) => l.level === 'error' || l.level === 'warn'),
    [],
  );
  assert.equal(fake.received.length, 0);
});

test('a stream cut by the shutdown drain still gets its access line', async () => {
  const path = '/ai/v1/chat/completions';
  const before = accessLines(path).length;
  fake.faults = [{ kind: 'stall', events: 2 }];
  const firstBytes = new Promise<void>((resolve, reject) => {
    const req = request(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.once('data', () => resolve());
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
  });
  await firstBytes;
  // The harness drains for 200 ms, then cuts what is left.
  await gw.stop();
  assert.equal(accessLines(path).length, before + 1);
  assert.deepEqual(
    lines().filter((l) => l.level === 'error'),
    [],
  );
});
