#!/usr/bin/env node
import type { CliIo } from './io.js';
import { run } from './run.js';

function processIo(): CliIo {
  const stopSignal = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
    stopSignal,
  };
}

const code = await run(process.argv.slice(2), processIo());
process.exit(code);
