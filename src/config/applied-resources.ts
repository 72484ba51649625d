import type { Clock } from '../core/clock.js';
import type { ErrorCode } from '../core/errors.js';
import type { Logger } from '../observability/logger.js';
import { kindInfo, resourceStoreKey } from './resources/kinds.js';
import type { KubeObject, SourcedObject } from './resources/kube-object.js';
import { formatIssue, parseObject } from './resources/parse.js';
import type { StateFile } from './sources/state-file.js';
import { parseManifests, YamlSyntaxError } from './sources/yaml-documents.js';
import { objectKey, type AppliedRecord, type Overlap, type ResourceStore } from './store.js';

export interface ResourceRef {
  kind: string;
  namespace: string;
  name: string;
}

/** What happened to one resource. */
export interface ChangeOutcome extends ResourceRef {
  action: 'created' | 'configured' | 'unchanged' | 'deleted';
  /** Applied over the source's version in this file (or `kubernetes`): in force until that version changes. */
  over?: string;
  /** Deleted, and the source's version in this file (or `kubernetes`) is in force again. */
  restored?: string;
}

/** A change refused as a whole: nothing was applied or deleted. */
export interface ChangeRefused {
  code: Extract<ErrorCode, 'invalid_manifest' | 'invalid_resource' | 'resource_not_found' | 'resource_in_file' | 'source_not_ready'>;
  issues: string[];
}

export type ChangeResult = { ok: true; results: ChangeOutcome[] } | { ok: false; refused: ChangeRefused };

/** `npx ai-gateway delete KIND NAME -n NS`: what puts the source's version back in force. */
export function restoreCommand(key: string): string {
  const [, kind = '', namespace = '', name = ''] = key.split('/');
  return `npx ai-gateway delete ${kind.toLowerCase()} ${name} -n ${namespace}`;
}

/** `Kind namespace/name` from a store key. */
function describeKey(key: string): string {
  const [, kind = '', namespace = '', name = ''] = key.split('/');
  return `${kind} ${namespace}/${name}`;
}

/** A source version's path as messages name it. */
function describePath(path: string): string {
  return path === 'kubernetes' ? "the API server's version" : path;
}

/**
 * `apply` and `delete` against the running gateway, and the rule between applied resources and
 * the source's: whichever was written last wins. Each change is validated, then saved to the
 * state file, and only then put in force, so an acknowledged change survives a crash; changes
 * run one at a time so the file and memory never disagree.
 */
export class AppliedResources {
  private queue: Promise<unknown> = Promise.resolve();
  private sourceSeen = false;

  constructor(
    private readonly store: ResourceStore,
    private readonly state: StateFile | undefined,
    private readonly deps: { clock: Clock; logger: Logger; onChange: () => void },
  ) {}

  /** Puts the saved resources back in force at start-up. */
  restore(): Promise<number> {
    return this.serialized(async () => {
      const saved = (await this.state?.load()) ?? [];
      const records = new Map(saved.map((r) => [objectKey(r.object), r]));
      this.store.setApplied(records);
      return records.size;
    });
  }

  /**
   * Called after each change of the source, and once it has first been read (until then `apply`
   * and `delete` are refused: what an apply overrides cannot be known). Applied copies whose
   * source version changed since the apply give way to it and are removed from the state; the
   * first time, a warning lists the applied copies still in force over a source's version.
   */
  sourceChanged(): Promise<void> {
    return this.serialized(async () => {
      const first = !this.sourceSeen;
      const superseded = this.store.superseded();
      // Records from the earlier format learn what they replaced: the version the source holds
      // when first read, or nothing.
      const learned = [...this.store.appliedRecords].flatMap(([key, record]): { key: string; overrode: AppliedRecord['overrode'] }[] => {
        if (record.overrode !== 'unknown') return [];
        const source = this.store.sourceVersion(key);
        return source !== undefined ? [{ key, overrode: source }] : first ? [{ key, overrode: 'none' }] : [];
      });
      if (superseded.length > 0 || learned.length > 0) {
        const next = new Map(this.store.appliedRecords);
        for (const o of superseded) next.delete(o.key);
        for (const l of learned) {
          const record = next.get(l.key);
          if (record !== undefined) next.set(l.key, { ...record, overrode: l.overrode });
        }
        await this.state?.save(next.values());
        this.store.setApplied(next);
      }
      for (const o of superseded) this.warnSuperseded(o);
      if (first) {
        this.sourceSeen = true;
        this.warnShadowing(this.store.shadowing());
      }
    });
  }

  applyText(text: string): Promise<ChangeResult> {
    return this.serialized(async () => {
      if (!this.sourceSeen) return NOT_READY;
      const objects = readManifests(text);
      if (!Array.isArray(objects)) return { ok: false, refused: objects };
      const errors = objects.flatMap((o) => parseObject(o).issues.filter((i) => i.severity === 'error').map(formatIssue));
      if (errors.length > 0) return refuse('invalid_resource', errors);
      const appliedAt = new Date(this.deps.clock.now()).toISOString();
      const next = new Map(this.store.appliedRecords);
      const results = objects.map((o): ChangeOutcome => {
        const key = objectKey(o.object);
        const before = this.store.current(key);
        const source = this.store.sourceVersion(key);
        next.set(key, { object: o.object, appliedAt, overrode: source ?? 'none' });
        const action = before === undefined ? 'created' : JSON.stringify(before.object) === JSON.stringify(o.object) ? 'unchanged' : 'configured';
        return { ...refOf(o.object), action, ...(source === undefined ? {} : { over: source.path }) };
      });
      await this.state?.save(next.values());
      this.store.setApplied(next);
      this.deps.onChange();
      return { ok: true, results };
    });
  }

  /**
   * Deletes applied resources named by manifests (`delete -f`) or by reference (`delete KIND
   * NAME`). Where the source has the resource too, its version is in force again; a resource
   * only the source has cannot be deleted here.
   */
  delete(target: string | ResourceRef): Promise<ChangeResult> {
    return this.serialized(async () => {
      if (!this.sourceSeen) return NOT_READY;
      let refs: ResourceRef[];
      if (typeof target === 'string') {
        const objects = readManifests(target);
        if (!Array.isArray(objects)) return { ok: false, refused: objects };
        refs = objects.map((o) => refOf(o.object));
      } else refs = [target];
      const keys = refs.map((r) => resourceStoreKey(kindInfo(r.kind)?.group ?? '', r.kind, r.namespace, r.name));
      const notFound: string[] = [];
      const inFile: string[] = [];
      keys.forEach((key, i) => {
        const r = refs[i] as ResourceRef;
        if (this.store.appliedRecords.has(key)) return;
        const source = this.store.sourceVersion(key);
        if (source === undefined) notFound.push(`${r.kind} ${r.namespace}/${r.name} not found`);
        else inFile.push(`${r.kind} ${r.namespace}/${r.name} comes from ${source.path}; remove it there`);
      });
      if (inFile.length > 0) return refuse('resource_in_file', [...inFile, ...notFound]);
      if (notFound.length > 0) return refuse('resource_not_found', notFound);
      const next = new Map(this.store.appliedRecords);
      for (const key of keys) next.delete(key);
      await this.state?.save(next.values());
      this.store.setApplied(next);
      this.deps.onChange();
      return {
        ok: true,
        results: refs.map((r, i) => {
          const source = this.store.sourceVersion(keys[i] ?? '');
          return { ...r, action: 'deleted', ...(source === undefined ? {} : { restored: source.path }) };
        }),
      };
    });
  }

  private warnSuperseded(o: Overlap): void {
    const before = o.record.overrode;
    const why =
      before === 'none' || before === 'unknown'
        ? 'which was applied before the source had the resource'
        : before.path === o.source.path
          ? 'that version changed since'
          : `which was applied over ${describePath(before.path)}`;
    this.deps.logger.warn(
      { resource: describeKey(o.key), file: o.source.path, appliedAt: o.record.appliedAt },
      `${describeKey(o.key)}: ${describePath(o.source.path)} takes over from the copy applied at ${o.record.appliedAt} (${why}); the applied copy is removed`,
    );
  }

  private warnShadowing(shadowing: readonly Overlap[]): void {
    if (shadowing.length === 0) return;
    const lines = shadowing.map((o) => `${describeKey(o.key)} over ${describePath(o.source.path)} (applied ${o.record.appliedAt}; to use that version: ${restoreCommand(o.key)})`);
    this.deps.logger.warn(
      { resources: shadowing.map((o) => ({ resource: describeKey(o.key), file: o.source.path, appliedAt: o.record.appliedAt, restore: restoreCommand(o.key) })) },
      `${shadowing.length} applied resource(s) in force over their source's version until it changes: ${lines.join('; ')}`,
    );
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

const NOT_READY: ChangeResult = {
  ok: false,
  refused: { code: 'source_not_ready', issues: ['the gateway has not read its resources yet (files, or the first sync with the API server); try again in a moment'] },
};

function readManifests(text: string): SourcedObject[] | ChangeRefused {
  try {
    return parseManifests(text, { source: 'apply' });
  } catch (err) {
    return { code: 'invalid_manifest', issues: [err instanceof YamlSyntaxError ? err.message : 'manifests could not be read'] };
  }
}

function refuse(code: ChangeRefused['code'], issues: string[]): ChangeResult {
  return { ok: false, refused: { code, issues } };
}

function refOf(object: KubeObject): ResourceRef {
  const meta = (object.metadata ?? {}) as { name?: string; namespace?: string };
  return { kind: String(object.kind), namespace: meta.namespace ?? 'default', name: meta.name ?? '' };
}
