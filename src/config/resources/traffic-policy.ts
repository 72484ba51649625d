import { FieldReader } from './field-reader.js';
import type { ObjectMeta } from './kube-object.js';
import { readMetadata } from './metadata.js';

export interface PolicyTargetRef {
  group: string;
  kind: string;
  name: string;
  sectionName: string | undefined;
}

/** kgateway's `targetSelectors[]`: the policy's namespace's resources of a kind whose labels include these. */
export interface PolicyTargetSelector {
  group: string;
  kind: string;
  matchLabels: Readonly<Record<string, string>>;
}

export interface TrafficPolicyResource {
  kind: 'TrafficPolicy';
  meta: ObjectMeta;
  targetRefs: readonly PolicyTargetRef[];
  targetSelectors: readonly PolicyTargetSelector[];
  /** The spec fields that ask for behaviour (ai, rateLimit, …), as `spec.<field>` paths. */
  settings: readonly string[];
}

const TARGETING = ['targetRefs', 'targetSelectors'];
const BUILTINS = ['SSN', 'CREDIT_CARD', 'PHONE_NUMBER', 'EMAIL'] as const;

/** kgateway's TrafficPolicy (`gateway.kgateway.dev/v1alpha1`): its targets, and the AI section validated as the API does. */
export function readTrafficPolicy(root: FieldReader): TrafficPolicyResource {
  const meta = readMetadata(root);
  const spec = root.object('spec');
  const targetRefs = spec.array('targetRefs', { max: 16 }).map((item): PolicyTargetRef => {
    const t = new FieldReader(item.value, item.path, root.errors);
    return {
      group: t.string('group') ?? '',
      kind: t.string('kind', { minLength: 1 }) ?? '',
      name: t.string('name', { minLength: 1 }) ?? '',
      sectionName: t.optionalString('sectionName', { minLength: 1 }),
    };
  });
  const targetSelectors = spec.array('targetSelectors', { max: 16 }).map((item): PolicyTargetSelector => {
    const t = new FieldReader(item.value, item.path, root.errors);
    return { group: t.string('group') ?? '', kind: t.string('kind', { minLength: 1 }) ?? '', matchLabels: t.stringMap('matchLabels') };
  });
  if (spec.has('ai')) readAiPolicy(spec.object('ai'));
  if (spec.has('rateLimit')) readLocalRateLimit(spec.object('rateLimit'));
  const settings = spec.unknownFields(TARGETING).map((f) => spec.child(f));
  return { kind: 'TrafficPolicy', meta, targetRefs, targetSelectors, settings };
}

function readAiPolicy(ai: FieldReader): void {
  ai.optionalEnum('routeType', ['CHAT', 'CHAT_STREAMING']);
  const enrichment = ai.object('promptEnrichment');
  for (const list of ['prepend', 'append']) readMessages(enrichment, list);
  for (const item of ai.array('defaults')) {
    const d = new FieldReader(item.value, item.path, ai.errors);
    d.string('field', { minLength: 1 });
    d.string('value', { minLength: 1 });
    d.optionalBoolean('override');
  }
  const guard = ai.object('promptGuard');
  if (guard.has('request')) {
    const request = guard.object('request');
    const custom = request.object('customResponse');
    custom.optionalString('message');
    custom.optionalInteger('statusCode', { min: 200, max: 599 });
    readRegex(request.object('regex'));
  }
  if (guard.has('response')) readRegex(guard.object('response').object('regex'));
}

function readMessages(parent: FieldReader, field: string): void {
  for (const item of parent.array(field)) {
    const m = new FieldReader(item.value, item.path, parent.errors);
    m.string('role', { minLength: 1 });
    m.string('content');
  }
}

function readRegex(regex: FieldReader): void {
  regex.optionalEnum('action', ['MASK', 'REJECT']);
  regex.array('builtins').forEach((item, i) => {
    if (!(BUILTINS as readonly unknown[]).includes(item.value)) regex.fail(`must be one of ${BUILTINS.join(', ')}`, `builtins[${i}]`);
  });
  for (const item of regex.array('matches')) {
    const m = new FieldReader(item.value, item.path, regex.errors);
    const pattern = m.optionalString('pattern');
    if (pattern !== undefined && !compiles(pattern)) m.fail('is not a valid regular expression', 'pattern');
  }
}

function readLocalRateLimit(rateLimit: FieldReader): void {
  const bucket = rateLimit.object('local').object('tokenBucket');
  if (!rateLimit.object('local').has('tokenBucket')) return;
  bucket.integer('maxTokens', { min: 1 });
  bucket.optionalInteger('tokensPerFill', { min: 1 });
  bucket.string('fillInterval', { minLength: 1 });
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
