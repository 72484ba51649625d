import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Logger } from '../../observability/logger.js';
import type { SourcedObject } from '../resources/kube-object.js';
import { parseManifests } from './yaml-documents.js';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** The manifest files a path names: the file itself, or a directory's *.yaml/*.yml/*.json (not recursive, like kubectl -f). */
export async function listManifestFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [resolve(path)];
  const names = await readdir(path);
  return names
    .filter((n) => MANIFEST_EXTENSIONS.has(extname(n)) && !n.startsWith('.'))
    .sort()
    .map((n) => resolve(path, n));
}

/** Reads every manifest under the paths; throws on the first unreadable file or YAML syntax error. */
export async function loadManifestPaths(paths: readonly string[]): Promise<SourcedObject[]> {
  const objects: SourcedObject[] = [];
  for (const p of paths) {
    for (const file of await listManifestFiles(p)) {
      objects.push(...parseManifests(await readFile(file, 'utf8'), { source: 'file', path: file }));
    }
  }
  return objects;
}

export interface FileSourceOptions {
  paths: readonly string[];
  logger: Logger;
  /** Edits arriving within this window are applied together. */
  debounceMs?: number;
  onChange: (objects: SourcedObject[]) => void;
}

/**
 * Watches the -f paths and reloads them on any change. A reload that fails (unreadable file,
 * broken YAML) is logged and dropped, so the last good resources stay in force.
 */
export class FileSource {
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();

  constructor(private readonly options: FileSourceOptions) {}

  load(): Promise<SourcedObject[]> {
    return loadManifestPaths(this.options.paths);
  }

  async start(): Promise<void> {
    for (const p of this.options.paths) {
      const info = await stat(p);
      // Watch the directory even for a single file: editors replace files by rename.
      const dir = info.isDirectory() ? p : dirname(p);
      const only = info.isDirectory() ? undefined : basename(p);
      const watcher = watch(dir, (_event, name) => {
        if (only === undefined || name === null || name === only) this.schedule();
      });
      watcher.on('error', (err) => this.options.logger.warn({ err, path: p }, 'file watch failed'));
      this.watchers.push(watcher);
    }
  }

  stop(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reloading = this.reloading.then(() => this.reload());
    }, this.options.debounceMs ?? 100);
  }

  private async reload(): Promise<void> {
    try {
      this.options.onChange(await this.load());
    } catch (err) {
      this.options.logger.error({ err: errorMessage(err), paths: this.options.paths.map((p) => join(p)) }, 'config reload failed; keeping the last good config');
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
