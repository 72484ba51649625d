import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { dump, load } from 'js-yaml';
import { SERVE_OPTIONS } from '../../src/cli/commands.js';
import { UnenforcedPolicies } from '../../src/config/compile-policies.js';
import { apiVersionOf, KINDS } from '../../src/config/resources/kinds.js';
import { parseObject, type ConfigIssue } from '../../src/config/resources/parse.js';
import { WATCHED_KINDS } from '../../src/kubernetes/kubernetes-source.js';
import { LLM_PROVIDERS } from '../../src/providers/ids.js';
import { PROVIDERS } from '../../src/providers/registry.js';
import { compileYaml } from '../support/compile-yaml.js';
import { codeSpans, tableAfter } from './markdown.js';

// The README's "What works" tables against the code: the lists the code keeps (providers, kinds,
// flags), the values its readers accept (their "must be one of" messages), and what it does with
// a sample of each row (accepted, refused as "not supported yet", or held as not enforced).

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const STATUSES = ['yes', 'no', 'not enforced'] as const;
type Status = (typeof STATUSES)[number];

interface Row {
  name: string;
  status: Status;
  cells: string[];
}

/** A table of the "What works" section: the first cell's code span and the second cell's status. */
function matrix(heading: string): Row[] {
  return tableAfter(README, heading).map((cells) => {
    const name = codeSpans(cells[0] ?? '')[0];
    const status = cells[1] ?? '';
    assert.ok(name !== undefined, `${heading}: the first cell "${cells[0] ?? ''}" names its subject in backticks`);
    assert.ok((STATUSES as readonly string[]).includes(status), `${heading}: "${status}" is one of ${STATUSES.join(', ')}`);
    return { name, status: status as Status, cells };
  });
}

const names = (rows: readonly Row[]): string[] => rows.map((r) => r.name).sort();

function parse(object: Record<string, unknown>): ConfigIssue[] {
  return parseObject({ object, origin: { source: 'file', path: 'x.yaml', document: 0 } }).issues.filter((i) => i.severity === 'error');
}

/** The values a reader accepts, from its "must be one of A, B, C" message for a wrong value. */
function acceptedValues(issues: readonly ConfigIssue[], field: string): string[] {
  const issue = issues.find((i) => i.field === field);
  const m = /must be one of (.+?)(?: \(got .*\))?$/.exec(issue?.message ?? '');
  assert.ok(m !== null, `a wrong ${field} is refused with the values it takes: ${JSON.stringify(issues)}`);
  return (m[1] ?? '').split(', ').sort();
}

const refusedAsUnsupported = (issues: readonly ConfigIssue[]): boolean => issues.some((i) => i.message.includes('not supported'));

const backend = (spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'gateway.kgateway.dev/v1alpha1',
  kind: 'Backend',
  metadata: { name: 'b', namespace: 'ns' },
  spec,
});
const INLINE = { kind: 'Inline', inline: 'sk-test' };
const openAiBackend = (authToken: Record<string, unknown>): Record<string, unknown> => backend({ type: 'AI', ai: { llm: { openai: { authToken } } } });
const bedrockBackend = (auth: Record<string, unknown> | undefined): Record<string, unknown> =>
  backend({ type: 'AI', ai: { llm: { bedrock: { model: 'm', ...(auth === undefined ? {} : { auth }) } } } });

/** The OpenAPI schema of a CRD in deploy/crds, at a dotted path of properties. */
function crdProperties(file: string, path: readonly string[]): string[] {
  const crd = load(readFileSync(new URL(`../../deploy/crds/${file}`, import.meta.url), 'utf8')) as {
    spec: { versions: { schema: { openAPIV3Schema: CrdSchema } }[] };
  };
  let schema: CrdSchema | undefined = crd.spec.versions[0]?.schema.openAPIV3Schema;
  for (const p of path) schema = schema?.properties?.[p];
  return Object.keys(schema?.properties ?? {}).sort();
}
interface CrdSchema {
  properties?: Record<string, CrdSchema>;
}

test('providers: the table lists exactly the providers a Backend can name, each served', () => {
  const rows = matrix('### Providers (`Backend` `spec.ai.llm`)');
  assert.deepEqual(names(rows), [...LLM_PROVIDERS].sort());
  assert.deepEqual(names(rows), Object.keys(PROVIDERS).sort());
  for (const r of rows) assert.equal(r.status, 'yes', r.name);
});

test('provider credentials: every authToken.kind and bedrock auth.type the reader takes, and what each does', () => {
  const rows = matrix('### Provider credentials');
  const kinds = acceptedValues(parse(openAiBackend({ kind: 'Nope' })), 'spec.ai.llm.openai.authToken.kind');
  const types = acceptedValues(parse(bedrockBackend({ type: 'Nope', secretRef: { name: 's' } })), 'spec.ai.llm.bedrock.auth.type');
  assert.deepEqual(
    rows.filter((r) => r.name.startsWith('authToken.kind: ')).map((r) => r.name.slice('authToken.kind: '.length)).sort(),
    kinds,
  );
  assert.deepEqual(
    rows.filter((r) => r.name.startsWith('auth.type: ')).map((r) => r.name.slice('auth.type: '.length)).sort(),
    types,
  );
  const samples: Record<string, Record<string, unknown>> = {
    'authToken.kind: Inline': openAiBackend(INLINE),
    'authToken.kind: SecretRef': openAiBackend({ kind: 'SecretRef', secretRef: { name: 'openai-secret' } }),
    'authToken.kind: Passthrough': openAiBackend({ kind: 'Passthrough' }),
    'auth.type: Secret': bedrockBackend({ type: 'Secret', secretRef: { name: 'aws' } }),
    // The row "`auth` unset": bedrock without auth.
    auth: bedrockBackend(undefined),
  };
  for (const r of rows) {
    const sample = samples[r.name];
    assert.ok(sample !== undefined, `a sample Backend for "${r.name}" is in this test`);
    const issues = parse(sample);
    assert.equal(issues.length === 0 ? 'yes' : refusedAsUnsupported(issues) ? 'no' : `invalid sample: ${JSON.stringify(issues)}`, r.status, r.name);
  }
});

test('Backend types: every spec.type the reader takes, and which are served', () => {
  const rows = matrix('### Backend types (`spec.type`)');
  assert.deepEqual(names(rows), acceptedValues(parse(backend({ type: 'Nope' })), 'spec.type'));
  for (const r of rows) {
    // Without its section each type fails on that; only types the gateway cannot serve say "not supported".
    assert.equal(refusedAsUnsupported(parse(backend({ type: r.name }))) ? 'no' : 'yes', r.status, r.name);
  }
});

test("failover: every shape of the CRD's spec.ai, and kgateway 2.4's spec.priorityGroups refused", () => {
  const rows = matrix('### Failover (`Backend` `spec`)');
  assert.deepEqual(
    rows.filter((r) => r.name.startsWith('ai.')).map((r) => r.name.slice('ai.'.length)).sort(),
    crdProperties('gateway.kgateway.dev_backends.yaml', ['spec', 'ai']),
  );
  const llm = { openai: { authToken: INLINE } };
  const samples: Record<string, Record<string, unknown>> = {
    'ai.llm': backend({ type: 'AI', ai: { llm } }),
    'ai.multipool': backend({ type: 'AI', ai: { multipool: { priorities: [{ pool: [{ provider: llm }] }, { pool: [{ provider: llm }] }] } } }),
    'ai.priorityGroups': backend({ type: 'AI', ai: { priorityGroups: [{ providers: [{ name: 'a', ...llm }] }, { providers: [{ name: 'b', anthropic: { authToken: INLINE } }] }] } }),
    priorityGroups: backend({ type: 'AI', ai: { llm }, priorityGroups: [{ backendRefs: [{ name: 'other' }] }] }),
  };
  for (const r of rows) {
    const sample = samples[r.name];
    assert.ok(sample !== undefined, `a sample Backend for "${r.name}" is in this test`);
    assert.equal(parse(sample).length === 0 ? 'yes' : 'no', r.status, r.name);
  }
});

const gatewayYaml = (protocol: string): string => `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: ns}
spec:
  gatewayClassName: kgateway
  listeners: [{name: l, port: 8443, protocol: ${protocol}}]
`;

test('Gateway listeners: each protocol is accepted, or refused as UnsupportedProtocol', () => {
  const rows = matrix('### Gateway listeners (`spec.listeners[].protocol`)');
  for (const r of rows) {
    const gw = compileYaml(gatewayYaml(r.name)).resources.find((v) => v.kind === 'Gateway');
    const status = gw?.status as { listeners?: { conditions: { type: string; reason: string }[] }[] } | undefined;
    const accepted = status?.listeners?.[0]?.conditions.find((c) => c.type === 'Accepted');
    assert.ok(accepted !== undefined, `${r.name}: the listener has an Accepted condition`);
    assert.equal(accepted.reason === 'UnsupportedProtocol' ? 'no' : 'yes', r.status, r.name);
  }
});

test('HTTPRoute filters: every filter type the reader takes, and what it does with each', () => {
  const rows = matrix('### HTTPRoute filters (`rules[].filters[].type`, `backendRefs[].filters[].type`)');
  const route = (filter: Record<string, unknown>): Record<string, unknown> => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'r', namespace: 'ns' },
    spec: { parentRefs: [{ name: 'gw' }], rules: [{ filters: [filter], backendRefs: [{ name: 'svc', port: 80 }] }] },
  });
  assert.deepEqual(names(rows), acceptedValues(parse(route({ type: 'Nope' })), 'spec.rules[0].filters[0].type'));
  const samples: Record<string, Record<string, unknown>> = {
    RequestHeaderModifier: { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-a', value: '1' }] } },
    ResponseHeaderModifier: { type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['x-b'] } },
    URLRewrite: { type: 'URLRewrite', urlRewrite: { hostname: 'example.com' } },
    RequestRedirect: { type: 'RequestRedirect', requestRedirect: { statusCode: 301 } },
    RequestMirror: { type: 'RequestMirror', requestMirror: { backendRef: { name: 'mirror', port: 80 } } },
    ExtensionRef: { type: 'ExtensionRef', extensionRef: { group: 'gateway.kgateway.dev', kind: 'TrafficPolicy', name: 'p' } },
    CORS: { type: 'CORS', cors: { allowOrigins: ['https://example.com'] } },
  };
  for (const r of rows) {
    const sample = samples[r.name];
    assert.ok(sample !== undefined, `a sample filter for "${r.name}" is in this test`);
    const object = route(sample);
    const issues = parse(object);
    let status: string;
    if (issues.length > 0) status = refusedAsUnsupported(issues) ? 'no' : `invalid sample: ${JSON.stringify(issues)}`;
    else {
      const compiled = compileYaml(`${gatewayYaml('HTTP')}---\n${dump(object)}`);
      const routeStatus = JSON.stringify(compiled.resources.find((v) => v.kind === 'HTTPRoute')?.status);
      status = routeStatus.includes('not supported yet; requests to this rule get 500') ? 'not enforced' : 'yes';
    }
    assert.equal(status, r.status, r.name);
  }
});

test("TrafficPolicy: every field of the CRD, and whether a policy with it attaches, holds its routes, or neither", () => {
  const rows = matrix('### TrafficPolicy (`gateway.kgateway.dev/v1alpha1`)');
  const listed = rows.map((r) => r.name);
  const crd = 'gateway.kgateway.dev_trafficpolicies.yaml';
  for (const field of crdProperties(crd, ['spec'])) {
    const sub = crdProperties(crd, ['spec', field]);
    const wanted = field === 'targetRefs' || sub.length === 0 ? [`spec.${field}`] : sub.map((s) => `spec.${field}.${s}`);
    for (const w of wanted) assert.ok(listed.includes(w), `the table lists ${w} (from deploy/crds/${crd})`);
  }
  const httpRoute = parseObject({
    object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'ns', labels: { app: 'a' } }, spec: { parentRefs: [{ name: 'gw' }] } },
    origin: { source: 'file', path: 'x.yaml', document: 0 },
  }).resource;
  assert.ok(httpRoute?.kind === 'HTTPRoute');
  const targetRefs = [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'r' }];
  const samples: Record<string, unknown> = {
    'spec.targetRefs': targetRefs,
    'spec.targetSelectors': [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', matchLabels: { app: 'a' } }],
    'spec.ai.routeType': 'CHAT',
    'spec.ai.promptEnrichment': { prepend: [{ role: 'system', content: 'Be brief.' }] },
    'spec.ai.defaults': [{ field: 'temperature', value: '0.5' }],
    'spec.ai.promptGuard': { request: { regex: { action: 'REJECT', builtins: ['SSN'] } } },
    'spec.rateLimit.local': { tokenBucket: { maxTokens: 10, fillInterval: '1s' } },
    'spec.<any other field>': { anything: true },
  };
  /** The policy's spec: the row's field set to its sample (an unlisted field stands for "any other"). */
  const spec = (name: string): Record<string, unknown> => {
    const path = name === 'spec.<any other field>' ? ['transformation'] : name.split('.').slice(1);
    const out: Record<string, unknown> = {};
    let at = out;
    path.forEach((p, i) => {
      if (i === path.length - 1) at[p] = samples[name];
      else {
        const next: Record<string, unknown> = {};
        at[p] = next;
        at = next;
      }
    });
    return out;
  };
  const holds = (policySpec: Record<string, unknown>): boolean => {
    const object = { apiVersion: 'gateway.kgateway.dev/v1alpha1', kind: 'TrafficPolicy', metadata: { name: 'p', namespace: 'ns' }, spec: policySpec };
    const parsed = parseObject({ object, origin: { source: 'file', path: 'x.yaml', document: 0 } });
    assert.deepEqual(parsed.issues, [], `the sample policy ${JSON.stringify(policySpec)} is valid`);
    assert.ok(parsed.resource?.kind === 'TrafficPolicy');
    return new UnenforcedPolicies([parsed.resource]).applyingTo(httpRoute) !== undefined;
  };
  assert.equal(holds({ targetRefs }), false, 'a policy with only targetRefs changes nothing');
  for (const r of rows) {
    assert.ok(samples[r.name] !== undefined, `a sample value for "${r.name}" is in this test`);
    let status: Status;
    if (r.name === 'spec.targetRefs' || r.name === 'spec.targetSelectors') {
      // A way to attach: "yes" when a policy attached only through it reaches the route.
      status = holds({ ...spec(r.name), rateLimit: { local: samples['spec.rateLimit.local'] } }) ? 'yes' : 'no';
    } else {
      status = holds({ targetRefs, ...spec(r.name) }) ? 'not enforced' : 'yes';
    }
    assert.equal(status, r.status, r.name);
  }
});

test('kinds: exactly the kind table of the code, with its API versions and the status fields written back', () => {
  const rows = matrix('### Kinds read');
  assert.deepEqual(names(rows), KINDS.map((k) => k.kind).sort());
  assert.deepEqual(names(rows), WATCHED_KINDS.map((k) => k.kind).sort(), 'every kind is watched in Kubernetes mode');
  for (const info of KINDS) {
    const row = rows.find((r) => r.name === info.kind);
    assert.ok(row !== undefined, info.kind);
    assert.equal(row.status, 'yes', info.kind);
    assert.deepEqual(codeSpans(row.cells[2] ?? '').sort(), info.versions.map((v) => apiVersionOf(info, v)).sort(), `${info.kind}: apiVersion`);
    const written = (row.cells[3] ?? '') === 'none' ? [] : codeSpans(row.cells[3] ?? '');
    assert.deepEqual(written.sort(), [...(info.status ?? [])].sort(), `${info.kind}: status written`);
  }
});

test('Kubernetes mode: every flag in the table is a flag of serve', () => {
  const rows = matrix('### Kubernetes mode (`serve --kubernetes`)');
  for (const r of rows) {
    assert.ok(r.name.startsWith('--'), `${r.name} is a flag`);
    assert.ok(Object.hasOwn(SERVE_OPTIONS, r.name.slice(2)), `serve has ${r.name}`);
  }
  for (const flag of ['--kubernetes', '--kubeconfig', '--lease', '--controller-name', '--publish-service']) assert.ok(names(rows).includes(flag), `the table lists ${flag}`);
});
