import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SEED_DIR = fileURLToPath(new URL('../../examples/seed/', import.meta.url));

/** A manifest from examples/seed with `$VARS` filled in the way the shell's heredoc does. */
export function seedManifest(file: string, env: Record<string, string> = {}): string {
  return readFileSync(SEED_DIR + file, 'utf8').replace(/\$([A-Z_]+)/g, (_m, name: string) => env[name] ?? '');
}

/** The seed's curl body, byte for byte. */
export const SEED_CURL_BODY =
  '{ "model": "gpt-3.5-turbo", "messages": [ { "role": "system", "content": "You are a poetic assistant, skilled in explaining complex programming concepts with creative flair." }, { "role": "user", "content": "Compose a poem that explains the concept of recursion in programming." } ] }';

/** The seed's curl: POST with `-H content-type:application/json -d '…'` (curl adds its own accept and user-agent). */
export function seedCurl(baseUrl: string, extraHeaders: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl}/openai`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: '*/*', 'user-agent': 'curl/8.5.0', ...extraHeaders },
    body: SEED_CURL_BODY,
  });
}
