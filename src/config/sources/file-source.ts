import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, type Clock } from '../../core/clock.js';
import type { Logger } from '../../observability/logger.js';
import type { SourcedObject } from '../resources/kube-object.js';
import { brokenEditLoss } from './broken-edit.js';
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
  /** How long an edit that looks broken (emptied, or every Gateway or route gone) must stay before it applies (default 2 s). */
  settleMs?: number;
  clock?: Clock;
  onChange: (objects: SourcedObject[]) => void;
}

/** One read of a file: its text, or that it is gone, or why it could not be read. */
type FileRead = { text: string } | { missing: true } | { error: string };

/** A manifest file found under a -f path, and which path (its position) found it, for ordering. */
interface Listed {
  pathIndex: number;
  read: FileRead;
}

/** A broken-looking edit waiting to be confirmed by staying unchanged for the settle time. */
interface PendingEdit {
  text: string;
  objects: SourcedObject[];
  loss: string;
  since: number;
  timer: NodeJS.Timeout;
}

/** What one file contributes: its last good text and objects, and any edit not applied yet. */
interface FileState {
  pathIndex: number;
  /** Undefined for a file that has never parsed. */
  text: string | undefined;
  objects: SourcedObject[];
  pending?: PendingEdit | undefined;
  /** The text (or read error) last reported as failing, so it is logged once, not on every reload. */
  reported?: string | undefined;
}

const MISSING: FileRead = { missing: true };

/** Files read at once: enough to overlap the reads, few enough to stay far from the open-file limit. */
const READ_BATCH = 32;

/**
 * Watches the -f paths and applies edits file by file, keeping each file's last good objects:
 * - an edit applies once the file reads the same twice, a debounce apart (a writer is done);
 * - an unreadable or unparsable file keeps its last good objects;
 * - an edit that looks broken (see brokenEditLoss) applies only once it has stayed for settleMs,
 *   so a truncating writer or a file cut short never takes the listener down;
 * - a deleted file's resources go at once. Whether a file is gone is checked after the debounce,
 *   so an editor replacing it by rename is just an edit.
 */
export class FileSource {
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private readonly files = new Map<string, FileState>();
  private stopped = false;

  constructor(private readonly options: FileSourceOptions) {}

  private get debounceMs(): number {
    return this.options.debounceMs ?? 100;
  }

  private get settleMs(): number {
    return this.options.settleMs ?? 2000;
  }

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  /** The startup load: throws on the first unreadable file or YAML syntax error. */
  async load(): Promise<SourcedObject[]> {
    this.files.clear();
    for (const [pathIndex, p] of this.options.paths.entries()) {
      for (const file of await listManifestFiles(p)) {
        if (this.files.has(file)) continue;
        const text = await readFile(file, 'utf8');
        this.files.set(file, { pathIndex, text, objects: parseManifests(text, { source: 'file', path: file }) });
      }
    }
    return this.objects();
  }

  async start(): Promise<void> {
    this.stopped = false;
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
    this.stopped = true;
    for (const w of this.watchers) w.close();
    this.watchers = [];
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const state of this.files.values()) if (state.pending !== undefined) clearTimeout(state.pending.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reloading = this.reloading.then(() => this.reload());
    }, this.debounceMs);
  }

  private async reload(): Promise<void> {
    try {
      const first = await this.readAll();
      await sleep(this.debounceMs);
      const second = await this.readAll();
      if (this.stopped) return;
      let changed = false;
      let unstable = false;
      for (const file of new Set([...this.files.keys(), ...first.keys(), ...second.keys()])) {
        const before = first.get(file)?.read ?? MISSING;
        const now = second.get(file);
        // Still being written (or replaced): look again once it holds still.
        if (!sameRead(before, now?.read ?? MISSING)) unstable = true;
        else if (this.update(file, now?.read ?? MISSING, now?.pathIndex ?? 0)) changed = true;
      }
      if (unstable) this.schedule();
      if (changed) this.options.onChange(this.objects());
    } catch (err) {
      this.options.logger.error({ err: errorMessage(err), paths: this.options.paths }, 'config reload failed; keeping the last good config');
    }
  }

  /**
   * Every manifest file the -f paths name now; a path that is gone names none. Files are read
   * several at a time: each read is a few event-loop turns, and under client load a turn can take
   * milliseconds, so reading one by one would delay every edit.
   */
  private async readAll(): Promise<Map<string, Listed>> {
    const lists = await Promise.all(this.options.paths.map((p) => listManifestFiles(p).catch(ifMissing<string[]>([]))));
    const found = new Map<string, number>();
    for (const [pathIndex, files] of lists.entries()) for (const file of files) if (!found.has(file)) found.set(file, pathIndex);
    const files = [...found.keys()];
    const listed = new Map<string, Listed>();
    for (let i = 0; i < files.length; i += READ_BATCH) {
      const batch = files.slice(i, i + READ_BATCH);
      const reads = await Promise.all(batch.map(readOnce));
      for (const [j, file] of batch.entries()) listed.set(file, { pathIndex: found.get(file) ?? 0, read: reads[j] ?? MISSING });
    }
    return listed;
  }

  /** Takes in one file's settled read; true when the objects it contributes changed. */
  private update(file: string, read: FileRead, pathIndex: number): boolean {
    const state = this.files.get(file);
    if ('missing' in read) {
      if (state === undefined) return false;
      this.discardPending(state);
      this.files.delete(file);
      this.options.logger.info({ path: file }, `${file} was deleted; its resources are removed`);
      return true;
    }
    if ('error' in read) {
      this.reportFailure(file, pathIndex, read.error, read.error);
      return false;
    }
    const { text } = read;
    if (state !== undefined && text === state.text) {
      // Back to the last good text: whatever was pending is moot.
      if (state.pending !== undefined) this.options.logger.info({ path: file }, `${file} is back to its last good config`);
      this.discardPending(state);
      state.reported = undefined;
      return false;
    }
    if (state?.pending?.text === text) return this.applyIfSettled(file, state, state.pending);
    if (state?.reported === text) return false;
    let objects: SourcedObject[];
    try {
      objects = parseManifests(text, { source: 'file', path: file });
    } catch (err) {
      this.reportFailure(file, pathIndex, text, errorMessage(err));
      return false;
    }
    const loss = state === undefined ? undefined : brokenEditLoss(state.objects, objects);
    if (state === undefined || loss === undefined) {
      if (state !== undefined) this.discardPending(state);
      this.files.set(file, { pathIndex, text, objects });
      return true;
    }
    this.hold(file, state, { text, objects, loss });
    return false;
  }

  /** Keeps the last good objects and waits for a broken-looking edit to stay for the settle time. */
  private hold(file: string, state: FileState, edit: { text: string; objects: SourcedObject[]; loss: string }): void {
    this.discardPending(state);
    state.reported = undefined;
    // The debounce on top makes sure the reload it triggers sees the full settle time elapsed.
    const timer = setTimeout(() => this.schedule(), this.settleMs);
    state.pending = { ...edit, since: this.clock.monotonic(), timer };
    this.options.logger.warn(
      { path: file, missing: edit.loss, settleMs: this.settleMs },
      `${file}: the edit removes ${edit.loss}; keeping the last good config, and applying the edit if it stays for ${this.settleMs} ms`,
    );
  }

  private applyIfSettled(file: string, state: FileState, pending: PendingEdit): boolean {
    // Its timer brings another reload once the time is up.
    if (this.clock.monotonic() - pending.since < this.settleMs) return false;
    this.discardPending(state);
    this.files.set(file, { pathIndex: state.pathIndex, text: pending.text, objects: pending.objects });
    this.options.logger.info({ path: file, missing: pending.loss }, `${file}: the edit removing ${pending.loss} stayed for ${this.settleMs} ms; applying it`);
    return true;
  }

  /** A file that cannot be read or parsed keeps its last good objects; the problem is logged once. */
  private reportFailure(file: string, pathIndex: number, key: string, reason: string): void {
    const state = this.files.get(file) ?? { pathIndex, text: undefined, objects: [] };
    this.discardPending(state);
    if (state.reported === key) return;
    state.reported = key;
    this.files.set(file, state);
    this.options.logger.error({ err: reason, path: file }, `${file}: config reload failed; keeping the last good config`);
  }

  private discardPending(state: FileState): void {
    if (state.pending === undefined) return;
    clearTimeout(state.pending.timer);
    state.pending = undefined;
  }

  /** Every file's last good objects, in -f order and then by file name, as a full load reads them. */
  private objects(): SourcedObject[] {
    return [...this.files.entries()]
      .sort(([fileA, a], [fileB, b]) => a.pathIndex - b.pathIndex || (fileA < fileB ? -1 : fileA > fileB ? 1 : 0))
      .flatMap(([, state]) => state.objects);
  }
}

async function readOnce(file: string): Promise<FileRead> {
  try {
    return { text: await readFile(file, 'utf8') };
  } catch (err) {
    return isMissing(err) ? MISSING : { error: errorMessage(err) };
  }
}

function sameRead(a: FileRead, b: FileRead): boolean {
  if ('text' in a && 'text' in b) return a.text === b.text;
  if ('error' in a && 'error' in b) return a.error === b.error;
  return 'missing' in a && 'missing' in b;
}

function isMissing(err: unknown): boolean {
  return err instanceof Error && 'code' in err && (err.code === 'ENOENT' || err.code === 'ENOTDIR');
}

/** For a `.catch`: a missing path yields `fallback`; any other error goes on. */
function ifMissing<T>(fallback: T): (err: unknown) => T {
  return (err) => {
    if (isMissing(err)) return fallback;
    throw err;
  };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
