import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.js';
import { isPlainObject } from '../../core/json.js';
import type { Random } from '../../core/random.js';
import type { Logger } from '../../observability/logger.js';
import type { AppliedRecord, SourceVersion } from '../store.js';

const FILE = 'applied.json';

/**
 * The resources applied at run time, kept in one JSON file in the state directory with what
 * each replaced. One file makes a multi-document apply all or nothing: it is written to a
 * temporary file, fsynced and renamed over the old one, so a crash leaves either the old state
 * or the new, never half. Mode 0600: it may hold Secrets.
 *
 * Format 2: `{"version": 2, "resources": [{"object", "appliedAt", "overrode": {"path", "hash"} | "none" | "unknown"}]}`.
 * Format 1 (read, never written): `{"version": 1, "resources": [object, ...]}`.
 */
export class StateFile {
  constructor(
    private readonly dir: string,
    private readonly deps: { logger: Logger; clock: Clock; random: Random },
  ) {}

  get path(): string {
    return join(this.dir, FILE);
  }

  /** The saved records; a file that cannot be read is reported with its path, set aside and not used. */
  async load(): Promise<AppliedRecord[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') return [];
      throw err;
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (!isPlainObject(parsed) || !Array.isArray(parsed.resources) || !parsed.resources.every(isPlainObject)) throw new Error('not an applied-resources file');
      if (parsed.version === 1) {
        // Format 1 kept no times: the file's own is when the last apply was saved.
        const savedAt = new Date((await stat(this.path)).mtimeMs).toISOString();
        return parsed.resources.map((object) => ({ object, appliedAt: savedAt, overrode: 'unknown' }));
      }
      if (parsed.version !== 2) throw new Error(`unknown format version ${JSON.stringify(parsed.version)}`);
      return parsed.resources.map(readRecord);
    } catch (err) {
      const aside = `${this.path}.corrupt-${this.deps.clock.now()}`;
      await rename(this.path, aside);
      this.deps.logger.error({ path: this.path, movedTo: aside, reason: err instanceof Error ? err.message : String(err) }, 'state file is corrupt; starting without the resources it held');
      return [];
    }
  }

  async save(records: Iterable<AppliedRecord>): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = join(this.dir, `.${FILE}.${this.deps.random.id()}.tmp`);
    const file = await open(temp, 'w', 0o600);
    try {
      await file.writeFile(JSON.stringify({ version: 2, resources: [...records] }));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, this.path);
    // The rename itself is durable only once the directory is synced.
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

function readRecord(entry: Record<string, unknown>): AppliedRecord {
  const { object, appliedAt, overrode } = entry;
  if (!isPlainObject(object) || typeof appliedAt !== 'string') throw new Error('a resource entry lacks its object or appliedAt');
  return { object, appliedAt, overrode: overrode === 'none' || overrode === 'unknown' ? overrode : readVersion(overrode) };
}

function readVersion(value: unknown): SourceVersion {
  if (!isPlainObject(value) || typeof value.path !== 'string' || typeof value.hash !== 'string') throw new Error('a resource entry has no valid "overrode"');
  return { path: value.path, hash: value.hash };
}
