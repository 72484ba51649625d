/** The process surface the commands use, passed in so tests can run them in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal: Promise<void>;
}

/** The admin token from the flag, else AI_GATEWAY_ADMIN_TOKEN; an empty value is no token. */
export function adminTokenOf(flag: string | undefined, env: CliIo['env']): string | undefined {
  const token = flag ?? env.AI_GATEWAY_ADMIN_TOKEN;
  return token === '' ? undefined : token;
}
