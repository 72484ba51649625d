import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../observability/logger.js';
import { isPlainObject } from '../resources/field-reader.js';
import type { KubeObject } from '../resources/kube-object.js';

const FILE = 'applied.json';

/**
 * The resources applied at run time, kept in one JSON file in the state directory. One file
 * makes a multi-document apply all or nothing: it is written to a temporary file, fsynced and
 * renamed over the old one, so a crash leaves either the old state or the new, never half.
 * Mode 0600: it may hold Secrets.
 */
export class StateFile {
  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  get path(): string {
    return join(this.dir, FILE);
  }

  /** The saved resources; a file that cannot be read is reported with its path, set aside and not used. */
  async load(): Promise<KubeObject[]> {
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
      return parsed.resources;
    } catch (err) {
      const aside = `${this.path}.corrupt-${Date.now()}`;
      await rename(this.path, aside);
      this.logger.error({ path: this.path, movedTo: aside, reason: err instanceof Error ? err.message : String(err) }, 'state file is corrupt; starting without the resources it held');
      return [];
    }
  }

  async save(resources: readonly KubeObject[]): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = join(this.dir, `.${FILE}.${randomBytes(6).toString('hex')}.tmp`);
    const file = await open(temp, 'w', 0o600);
    try {
      await file.writeFile(JSON.stringify({ version: 1, resources }));
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
