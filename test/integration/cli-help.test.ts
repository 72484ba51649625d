import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CliIo } from '../../src/cli/io.js';
import { COMMANDS, run } from '../../src/cli/run.js';
import { cli } from '../support/cli-process.js';

// Every command answers --help from the same table its parser reads: a flag the parser accepts
// is in the help with its default, and the help exits 0.

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: () => Promise.resolve(''),
    env: {},
    stopSignal: new Promise<void>(() => undefined),
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

describe('--help', () => {
  for (const [name, command] of Object.entries(COMMANDS)) {
    test(`${name} --help lists every flag with its value name and default, and exits 0`, async () => {
      const { code, stdout, stderr } = await runCli([name, '--help']);
      assert.equal(code, 0, stderr);
      assert.equal(stderr, '');
      assert.match(stdout, new RegExp(`^Usage: ai-gateway ${name} `));
      const lines = stdout.split('\n');
      for (const [flag, spec] of Object.entries(command.options)) {
        const at = lines.findIndex((l) => new RegExp(`^  (-${spec.short ?? ''}, |    )--${flag}\\b`).test(l));
        assert.ok(at >= 0, `${name} --help does not list --${flag}:\n${stdout}`);
        // The flag's line and the description's continuation lines, rejoined.
        const more = lines.slice(at + 1).findIndex((l) => !/^ {8,}\S/.test(l));
        const entry = lines.slice(at, at + 1 + (more === -1 ? 0 : more)).map((l) => l.trim()).join(' ');
        if (spec.short !== undefined) assert.ok(entry.startsWith(`-${spec.short}, --${flag}`), entry);
        if (spec.value !== undefined) assert.ok(entry.includes(`--${flag} ${spec.value}`), entry);
        assert.ok(entry.includes(spec.help), `--${flag}'s description is not in: ${entry}`);
        if (spec.default !== undefined) assert.ok(entry.includes(`(default ${spec.default})`), `--${flag}'s default is not in: ${entry}`);
      }
      assert.deepEqual(await runCli([name, '-h']), { code, stdout, stderr }, '-h is --help');
    });
  }

  test('the flags that drifted out of the hand-written usage are there', async () => {
    assert.match((await runCli(['mock-provider', '--help'])).stdout, /--host HOST\s+the address to listen on\s+\(default 127\.0\.0\.1\)/);
    assert.match((await runCli(['validate', '--help'])).stdout, /--gateway-class NAME\s+.*\(default kgateway\)/s);
  });

  test('--help wins over other flags, but not when it is the value of one', async () => {
    assert.equal((await runCli(['serve', '--no-such-flag', '--help'])).code, 0);
    const asValue = await runCli(['get', '--admin-token', '-h']);
    assert.equal(asValue.code, 2);
    assert.equal(asValue.stdout, '', 'no help');
    assert.match(asValue.stderr, /^error: Option '--admin-token' argument is ambiguous/);
  });

  test('ai-gateway --help, -h and help list every command, on stdout, exit 0', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const { code, stdout } = await runCli(args);
      assert.equal(code, 0);
      for (const [name, command] of Object.entries(COMMANDS)) {
        for (const form of command.synopsis) assert.ok(stdout.includes(`ai-gateway ${name} ${form}`), `${args.join(' ')}: ${name} ${form}`);
        assert.ok(stdout.includes(command.summary));
      }
    }
    assert.deepEqual(await runCli(['help', 'serve']), await runCli(['serve', '--help']));
  });

  test('a usage error names the problem, then the command usage; an unknown command, the command list', async () => {
    const bad = await runCli(['serve', '--no-such-flag']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: Unknown option '--no-such-flag'.*\nUsage: ai-gateway serve -f PATH .*\n {7}ai-gateway serve --kubernetes .*\nRun "ai-gateway serve --help" for its options\.\n$/s);
    const unknown = await runCli(['serv']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error: unknown command "serv"\nUsage:\n {2}ai-gateway serve /);
    assert.equal((await runCli([])).code, 2);
  });

  test('as a process: serve --help exits 0 (it used to be an unknown option)', async () => {
    const r = await cli(['serve', '--help']).done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /--upstream-timeout DURATION\s+[^(]*\(default 600s\)/);
  });
});
