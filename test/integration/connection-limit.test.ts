import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { GATEWAY, route, staticBackend } from '../support/manifests.js';

// --max-connections: past the cap a listener closes each new connection as it arrives, and
// the connections it holds keep working.

let fake: FakeProvider;
let gw: RunningGateway;

before(async () => {
  fake = await startFakeProvider();
  gw = await startGateway({ files: { 'gateway.yaml': GATEWAY, 'plain.yaml': staticBackend('plain', fake.port) + '---\n' + route('plain', '/', 'plain') }, maxConnections: 4 });
});
after(async () => {
  await gw.stop();
  await fake.close();
});

/** One request on the socket; the status, or 'closed' if the gateway closed it instead. */
function ask(socket: Socket): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (c: Buffer): void => {
      text += c.toString();
      const m = /^HTTP\/1\.1 (\d+)/.exec(text);
      if (m !== null && text.includes('\r\n\r\n')) {
        socket.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    socket.on('data', onData);
    socket.once('close', () => resolve('closed'));
    socket.once('error', () => resolve('closed'));
    socket.write('GET /status HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n');
  });
}

function open(): Promise<Socket> {
  const port = Number(new URL(gw.url).port);
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', () => undefined);
  });
}

test('the connection past the cap is closed; the others answer, and a freed place is taken again', async () => {
  const held = [await open(), await open(), await open(), await open()];
  for (const s of held) assert.equal(await ask(s), 200);
  const extra = await open();
  assert.equal(await ask(extra), 'closed');
  held[0]?.destroy();
  await new Promise((r) => setTimeout(r, 50));
  const next = await open();
  assert.equal(await ask(next), 200);
  for (const s of [...held, next]) s.destroy();
});
