import { parseArgs } from 'node:util';
import { UsageError } from './args.js';
import {
  apply,
  APPLY_OPTIONS,
  deleteCommand,
  DELETE_OPTIONS,
  get,
  GET_OPTIONS,
  mockProvider,
  MOCK_PROVIDER_OPTIONS,
  serve,
  SERVE_OPTIONS,
  validate,
  VALIDATE_OPTIONS,
} from './commands.js';
import { commandHelp, commandUsage, topUsage, type CommandSpec } from './help.js';
import type { CliIo } from './io.js';

interface Command extends CommandSpec {
  run: (argv: string[], io: CliIo) => Promise<number>;
}

/** Every command, in the order `ai-gateway --help` lists them. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  serve: {
    synopsis: ['-f PATH [-f PATH ...] [options]', '--kubernetes [options]'],
    summary: 'serve the Gateways in the manifests, or those on a Kubernetes API server',
    options: SERVE_OPTIONS,
    run: serve,
  },
  apply: { synopsis: ['-f FILE|- [options]'], summary: 'apply manifests to a running gateway, all or nothing', options: APPLY_OPTIONS, run: apply },
  get: { synopsis: ['KIND [NAME] [-n NAMESPACE] [-o FORMAT] [options]'], summary: "show a running gateway's resources and their status", options: GET_OPTIONS, run: get },
  delete: { synopsis: ['-f FILE|- [options]', 'KIND NAME [-n NAMESPACE] [options]'], summary: 'delete applied resources from a running gateway', options: DELETE_OPTIONS, run: deleteCommand },
  validate: {
    synopsis: ['-f PATH [-f PATH ...] [--strict] [options]'],
    summary: 'compile manifests as serve would, and say what it would not accept; exit 1 on errors',
    options: VALIDATE_OPTIONS,
    run: validate,
  },
  'mock-provider': { synopsis: ['[--port N] [--host HOST]'], summary: 'run the bundled OpenAI-compatible mock provider alone', options: MOCK_PROVIDER_OPTIONS, run: mockProvider },
};

/** Runs one command; returns the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') return help(rest[0], io);
  const command = name === undefined ? undefined : COMMANDS[name];
  if (name === undefined || command === undefined) {
    io.stderr(`${name === undefined ? '' : `error: unknown command "${name}"\n`}${topUsage(COMMANDS)}`);
    return 2;
  }
  try {
    if (asksForHelp(command, rest)) {
      io.stdout(commandHelp(name, command));
      return 0;
    }
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr(`error: ${err.message}\n${commandUsage(name, command)}`);
      return 2;
    }
    io.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

/** `ai-gateway help [COMMAND]`: the command list, or one command's help. */
function help(name: string | undefined, io: CliIo): number {
  const command = name === undefined ? undefined : COMMANDS[name];
  if (name !== undefined && command === undefined) {
    io.stderr(`error: unknown command "${name}"\n${topUsage(COMMANDS)}`);
    return 2;
  }
  io.stdout(command === undefined || name === undefined ? topUsage(COMMANDS) : commandHelp(name, command));
  return 0;
}

/**
 * `--help` or `-h` as a flag, read with the command's own table so that a value which happens to
 * be `-h` (`--admin-token -h`) is not taken for it; unknown flags are left for the command to refuse.
 */
function asksForHelp(command: Command, argv: string[]): boolean {
  return parseArgs({ args: argv, options: command.options, allowPositionals: true, strict: false }).values.help === true;
}
