import { UsageError } from './args.js';
import { apply, deleteCommand, get, mockProvider, serve, USAGE, validate } from './commands.js';
import type { CliIo } from './io.js';

const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  serve,
  apply,
  get,
  delete: deleteCommand,
  validate,
  'mock-provider': mockProvider,
};

/** Runs one command; returns the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const handler = command === undefined ? undefined : COMMANDS[command];
  if (handler === undefined) {
    io.stderr(command === undefined || command === '--help' || command === 'help' ? `${USAGE}\n` : `error: unknown command "${command}"\n${USAGE}\n`);
    return command === '--help' || command === 'help' ? 0 : 2;
  }
  try {
    return await handler(rest, io);
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr(`error: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    io.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
