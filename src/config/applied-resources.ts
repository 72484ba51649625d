import { formatIssue, parseObject } from './resources/parse.js';
import type { KubeObject, SourcedObject } from './resources/kube-object.js';
import type { StateFile } from './sources/state-file.js';
import { parseManifests, YamlSyntaxError } from './sources/yaml-documents.js';
import type { ResourceStore } from './store.js';

/** The API group of each kind the gateway reads, to name a resource from `KIND NAME`. */
export const KIND_GROUPS: Record<string, string> = {
  GatewayClass: 'gateway.networking.k8s.io',
  Gateway: 'gateway.networking.k8s.io',
  HTTPRoute: 'gateway.networking.k8s.io',
  ReferenceGrant: 'gateway.networking.k8s.io',
  Backend: 'gateway.kgateway.dev',
  TrafficPolicy: 'gateway.kgateway.dev',
  Secret: '',
  Service: '',
  Namespace: '',
  EndpointSlice: 'discovery.k8s.io',
};

export interface ResourceRef {
  kind: string;
  namespace: string;
  name: string;
}

/** An admin API answer: HTTP status and JSON body. */
export interface AdminAnswer {
  status: number;
  body: unknown;
}

/**
 * `apply` and `delete` against the running gateway. Each change is validated, then saved to the
 * state file, and only then put in force, so an acknowledged change survives a crash; changes
 * run one at a time so the file and memory never disagree.
 */
export class AppliedResources {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: ResourceStore,
    private readonly state: StateFile | undefined,
    private readonly onChange: () => void,
  ) {}

  /** Puts the saved resources back in force at start-up. */
  async restore(): Promise<number> {
    const saved = (await this.state?.load()) ?? [];
    this.store.apply(saved.map((object) => ({ object, origin: { source: 'apply' as const } })));
    return saved.length;
  }

  applyText(text: string): Promise<AdminAnswer> {
    return this.serialized(async () => {
      const objects = readManifests(text);
      if ('status' in objects) return objects;
      const errors = objects.flatMap((o) => parseObject(o).issues.filter((i) => i.severity === 'error').map(formatIssue));
      if (errors.length > 0) return invalid(422, 'invalid_resource', errors);
      await this.state?.save(this.store.appliedAfter(objects));
      const actions = this.store.apply(objects);
      this.onChange();
      return { status: 200, body: { results: objects.map((o, i) => ({ ...refOf(o.object), action: actions[i] ?? 'configured' })) } };
    });
  }

  /** Deletes applied resources named by manifests (`delete -f`) or by reference (`delete KIND NAME`). */
  delete(target: string | ResourceRef): Promise<AdminAnswer> {
    return this.serialized(async () => {
      let refs: ResourceRef[];
      if (typeof target === 'string') {
        const objects = readManifests(target);
        if ('status' in objects) return objects;
        refs = objects.map((o) => refOf(o.object));
      } else refs = [target];
      const keys = refs.map((r) => `${KIND_GROUPS[r.kind] ?? ''}/${r.kind}/${r.namespace}/${r.name}`);
      const problems: string[] = [];
      keys.forEach((key, i) => {
        const origin = this.store.originOf(key);
        const r = refs[i] as ResourceRef;
        if (origin === undefined) problems.push(`${r.kind} ${r.namespace}/${r.name} not found`);
        else if (origin.source === 'file') problems.push(`${r.kind} ${r.namespace}/${r.name} comes from ${origin.path ?? 'a file'}; remove it there`);
      });
      if (problems.length > 0) return invalid(problems.every((p) => p.endsWith('not found')) ? 404 : 409, 'cannot_delete', problems);
      await this.state?.save(this.store.appliedWithout(keys));
      this.store.remove(keys);
      this.onChange();
      return { status: 200, body: { results: refs.map((r) => ({ ...r, action: 'deleted' })) } };
    });
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function readManifests(text: string): SourcedObject[] | AdminAnswer {
  try {
    return parseManifests(text, { source: 'apply' });
  } catch (err) {
    return invalid(400, 'invalid_manifest', [err instanceof YamlSyntaxError ? err.message : 'manifests could not be read']);
  }
}

function invalid(status: number, code: string, issues: string[]): AdminAnswer {
  return { status, body: { error: { message: issues.join('\n'), type: 'invalid_request_error', param: null, code }, issues } };
}

function refOf(object: KubeObject): ResourceRef {
  const meta = (object.metadata ?? {}) as { name?: string; namespace?: string };
  return { kind: String(object.kind), namespace: meta.namespace ?? 'default', name: meta.name ?? '' };
}

