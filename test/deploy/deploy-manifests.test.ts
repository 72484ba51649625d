import { isPlainObject } from '../../src/core/json.js';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { celEnv, isCelError, parse as parseCel, plan as planCel, type CelInput, type CelResult } from '@bufbuild/cel';
import { Gateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import { GatewayClass } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/GatewayClass';
import * as k8s from '@kubernetes/client-node';
import { Ajv, type ValidateFunction } from 'ajv';
import { loadAll } from 'js-yaml';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { SERVE_OPTIONS } from '../../src/cli/commands.js';
import { parseHostPort } from '../../src/cli/args.js';
import { LLM_PROVIDERS } from '../../src/providers/ids.js';

import { parseObject } from '../../src/config/resources/parse.js';
import { WATCHED_KINDS } from '../../src/kubernetes/kubernetes-source.js';
import { aiBackend, staticBackend } from '../support/manifests.js';
import { seedManifest } from '../support/seed.js';

// deploy/ is checked the way an API server would check it, without one: each document against
// its kind's OpenAPI schema, the CRDs as structural schemas whose CEL rules agree with the
// gateway's own validator, and the RBAC against the kinds the gateway actually watches.

type Obj = Record<string, unknown>;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');

interface Doc {
  file: string;
  object: Obj;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []))
    .sort();
}

function loadDocs(path: string): Doc[] {
  const file = relative(ROOT, path);
  return loadAll(readFileSync(path, 'utf8'))
    .filter((d) => d !== null && d !== undefined)
    .map((d) => {
      assert.ok(isPlainObject(d), `${file}: a document is not a mapping`);
      return { file, object: d };
    });
}

const obj = (v: unknown): Obj => (isPlainObject(v) ? v : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] => list(v).filter((s): s is string => typeof s === 'string');
const nameOf = (o: Obj): string => String(obj(o.metadata).name);
const describeDoc = (d: Doc): string => (d.object.metadata === undefined ? d.file : `${d.file}: ${String(d.object.kind)}/${nameOf(d.object)}`);

const deployDocs = yamlFiles(DEPLOY).flatMap(loadDocs);

function only(kind: string, name?: string): Obj {
  const found = deployDocs.filter((d) => d.object.kind === kind && (name === undefined || nameOf(d.object) === name));
  assert.equal(found.length, 1, `deploy/ should hold exactly one ${kind}${name === undefined ? '' : ` ${name}`}`);
  return (found[0] as Doc).object;
}

// ---------------------------------------------------------------------------------------------
// Every document against its kind's schema.

type ModelClass = new (data?: never) => { validate(): void };

/** Schema errors from kubernetes-models' validators, generated from the upstream OpenAPI specs. */
function modelErrors(model: ModelClass, object: Obj): string[] {
  try {
    new model(object as never).validate();
    return [];
  } catch (err) {
    const errors = isPlainObject(err) || err instanceof Error ? (err as { errors?: unknown }).errors : undefined;
    if (!Array.isArray(errors)) return [err instanceof Error ? err.message : String(err)];
    return errors.map((e) => `${String(obj(e).instancePath) || '/'} ${String(obj(e).message)}`);
  }
}

const CLIENT_TYPES = k8s as unknown as Record<string, unknown>;

function attributeTypes(type: string): Map<string, string> | undefined {
  const cls = CLIENT_TYPES[type];
  if (typeof cls !== 'function' || !('getAttributeTypeMap' in cls)) return undefined;
  const attributes = (cls as { getAttributeTypeMap(): { baseName: string; type: string }[] }).getAttributeTypeMap();
  return new Map(attributes.map((a) => [a.baseName, a.type]));
}

// JSONSchemaProps types these loosely (they may also be booleans or lists); in a CRD they hold schemas.
const SCHEMA_TYPED: Record<string, string> = { 'V1JSONSchemaProps.items': 'V1JSONSchemaProps', 'V1JSONSchemaProps.additionalProperties': 'V1JSONSchemaProps' };

/**
 * Fields the API does not define. OpenAPI validation lets them through, but `kubectl apply`
 * validates strictly by default and refuses them, and a misspelt field (`readinesProbe`) would
 * otherwise be dropped without a word. The field lists are the official client's, generated
 * from the same OpenAPI spec.
 */
function unknownFields(value: unknown, type: string, path: string): string[] {
  const array = /^Array<(.+)>$/.exec(type);
  if (array?.[1] !== undefined) {
    const inner = array[1];
    return list(value).flatMap((v, i) => unknownFields(v, inner, `${path}[${i}]`));
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map?.[1] !== undefined) {
    const inner = map[1];
    return Object.entries(obj(value)).flatMap(([k, v]) => unknownFields(v, inner, `${path}.${k}`));
  }
  const fields = attributeTypes(type);
  if (fields === undefined || !isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const t = SCHEMA_TYPED[`${type}.${k}`] ?? fields.get(k);
    return t === undefined ? [`${path}.${k}: unknown field`] : unknownFields(v, t, `${path}.${k}`);
  });
}

const core = (model: ModelClass, clientType: string) => (o: Obj) => [...modelErrors(model, o), ...unknownFields(o, clientType, '')];

// kustomize's own file is not an API object; this is the part of its format deploy/ uses.
const ajv = new Ajv({ allErrors: true, strict: false });
const kustomizationSchema = ajv.compile({
  type: 'object',
  required: ['apiVersion', 'kind', 'resources'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'kustomize.config.k8s.io/v1beta1' },
    kind: { const: 'Kustomization' },
    resources: { type: 'array', items: { type: 'string', minLength: 1 } },
    images: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: { name: { type: 'string' }, newName: { type: 'string' }, newTag: { type: 'string' }, digest: { type: 'string' } },
      },
    },
  },
});

const SCHEMAS: Record<string, (o: Obj) => string[]> = {
  'v1/Namespace': core(Namespace, 'V1Namespace'),
  'v1/ServiceAccount': core(ServiceAccount, 'V1ServiceAccount'),
  'v1/Service': core(Service, 'V1Service'),
  'apps/v1/Deployment': core(Deployment, 'V1Deployment'),
  'policy/v1/PodDisruptionBudget': core(PodDisruptionBudget, 'V1PodDisruptionBudget'),
  'rbac.authorization.k8s.io/v1/ClusterRole': core(ClusterRole, 'V1ClusterRole'),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': core(ClusterRoleBinding, 'V1ClusterRoleBinding'),
  'rbac.authorization.k8s.io/v1/Role': core(Role, 'V1Role'),
  'rbac.authorization.k8s.io/v1/RoleBinding': core(RoleBinding, 'V1RoleBinding'),
  'apiextensions.k8s.io/v1/CustomResourceDefinition': core(CustomResourceDefinition, 'V1CustomResourceDefinition'),
  'gateway.networking.k8s.io/v1/GatewayClass': (o) => modelErrors(GatewayClass, o),
  'gateway.networking.k8s.io/v1/Gateway': (o) => modelErrors(Gateway, o),
  'kustomize.config.k8s.io/v1beta1/Kustomization': (o) => (kustomizationSchema(o) ? [] : (kustomizationSchema.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)),
};

function schemaErrors(object: Obj): string[] {
  const key = `${String(object.apiVersion)}/${String(object.kind)}`;
  const validate = SCHEMAS[key];
  return validate === undefined ? [`no schema for ${key}: every document in deploy/ must be checked`] : validate(object);
}

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'GatewayClass', 'Kustomization']);

describe('every document in deploy/ matches its kind’s schema', () => {
  test('deploy/ holds every kind the install needs', () => {
    const kinds = new Set(deployDocs.map((d) => d.object.kind));
    for (const kind of ['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'GatewayClass', 'Gateway', 'Deployment', 'PodDisruptionBudget', 'Service', 'Kustomization']) {
      assert.ok(kinds.has(kind), `no ${kind} in deploy/`);
    }
  });

  for (const doc of deployDocs) {
    test(describeDoc(doc), () => {
      assert.deepEqual(schemaErrors(doc.object), [], `${describeDoc(doc)} does not match its schema`);
      if (doc.object.kind === 'Kustomization') return;
      const meta = obj(doc.object.metadata);
      assert.ok(typeof meta.name === 'string' && meta.name !== '', `${describeDoc(doc)}: metadata.name`);
      // No namespace transformer is used, so each namespaced object names its namespace.
      assert.equal(meta.namespace, CLUSTER_SCOPED.has(String(doc.object.kind)) ? undefined : 'kgateway-system', `${describeDoc(doc)}: metadata.namespace`);
      // The gateway reads some of these kinds itself; it must not refuse them either.
      const errors = parseObject({ object: doc.object, origin: { source: 'file', path: doc.file } }).issues.filter((i) => i.severity === 'error');
      assert.deepEqual(errors, [], `${describeDoc(doc)} is refused by the gateway`);
    });
  }

  test('kustomization.yaml lists every manifest in deploy/, so apply -k installs them all', () => {
    const kustomization = only('Kustomization');
    const manifests = yamlFiles(DEPLOY)
      .map((f) => relative(DEPLOY, f))
      .filter((f) => f !== 'kustomization.yaml');
    assert.deepEqual(strings(kustomization.resources).sort(), manifests.sort());
  });

  test('the schema check rejects broken documents', () => {
    const deployment = structuredClone(only('Deployment'));
    assert.deepEqual(schemaErrors(deployment), []);
    obj(deployment.spec).replicas = 'two';
    assert.match(schemaErrors(deployment).join('\n'), /\/spec\/replicas must be integer/);

    const typo = structuredClone(only('Deployment'));
    const container = obj(list(obj(obj(obj(typo.spec).template).spec).containers)[0]);
    container.readinesProbe = container.readinessProbe;
    delete container.readinessProbe;
    assert.match(schemaErrors(typo).join('\n'), /containers\[0\]\.readinesProbe: unknown field/);

    const crd = structuredClone(only('CustomResourceDefinition', 'backends.gateway.kgateway.dev'));
    obj(openApiSchema(crd).properties).spec = { type: 'object', minlength: 1 };
    assert.match(schemaErrors(crd).join('\n'), /spec\.minlength: unknown field/);

    const gatewayClass = structuredClone(only('GatewayClass'));
    obj(gatewayClass.spec).controllerName = 'no-domain';
    assert.match(schemaErrors(gatewayClass).join('\n'), /controllerName must match pattern/);

    const gateway = structuredClone(only('Gateway'));
    obj(list(obj(gateway.spec).listeners)[0]).protocol = 42;
    assert.match(schemaErrors(gateway).join('\n'), /protocol must be string/);

    assert.match(schemaErrors({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }).join('\n'), /no schema for v1\/ConfigMap/);
    assert.match(schemaErrors({ apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget' }).join('\n'), /no schema/);
    assert.match(schemaErrors({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [], namespace: 'x' }).join('\n'), /additional properties/);
  });
});

// ---------------------------------------------------------------------------------------------
// The CRDs: structural, and agreeing with the gateway's validator.

function openApiSchema(crd: Obj): Obj {
  const versions = list(obj(crd.spec).versions);
  return obj(obj(obj(versions[0]).schema).openAPIV3Schema);
}

const STRUCTURAL_FORBIDDEN = ['$ref', 'definitions', 'dependencies', 'additionalItems', 'patternProperties', 'allOf', 'anyOf', 'oneOf', 'not', '$schema', 'id'];
const RULE_REASONS = new Set(['FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate']);

/** What the API server would refuse in a CRD schema: the structural-schema rules, and CEL rules that do not compile against the schema. */
function structuralProblems(node: Obj, path: string): string[] {
  const problems: string[] = [];
  const where = path === '' ? '<root>' : path;
  for (const key of STRUCTURAL_FORBIDDEN) if (key in node) problems.push(`${where}: ${key} is not allowed`);
  if (node.uniqueItems === true) problems.push(`${where}: uniqueItems is not allowed`);
  const open = node['x-kubernetes-int-or-string'] === true || node['x-kubernetes-preserve-unknown-fields'] === true;
  if (typeof node.type !== 'string' && !open) problems.push(`${where}: has no type`);
  if (node.type === 'array' && !isPlainObject(node.items)) problems.push(`${where}: an array needs items`);
  if (node.properties !== undefined && node.additionalProperties !== undefined) problems.push(`${where}: properties and additionalProperties together`);
  const properties = obj(node.properties);
  if (node['x-kubernetes-list-type'] === 'map') {
    const required = strings(obj(node.items).required);
    for (const key of strings(node['x-kubernetes-list-map-keys'])) if (!required.includes(key)) problems.push(`${where}: list map key ${key} must be required`);
  }
  for (const v of list(node['x-kubernetes-validations'])) {
    const { rule, message, fieldPath, reason } = obj(v);
    if (typeof rule !== 'string') {
      problems.push(`${where}: a validation without a rule`);
      continue;
    }
    try {
      parseCel(rule);
    } catch (err) {
      problems.push(`${where}: rule ${rule} does not parse: ${err instanceof Error ? err.message : String(err)}`);
    }
    // CEL sees only declared fields; `self.x(` is a method call, not a field.
    for (const m of rule.matchAll(/\bself\.([A-Za-z_]\w*)\b(?!\s*\()/g)) {
      if (m[1] !== undefined && !(m[1] in properties)) problems.push(`${where}: rule ${rule} reads undeclared field ${m[1]}`);
    }
    if (typeof message !== 'string' || message === '' || message.includes('\n')) problems.push(`${where}: rule ${rule} needs a one-line message`);
    if (fieldPath !== undefined && (typeof fieldPath !== 'string' || resolve(node, fieldPath) === undefined)) problems.push(`${where}: fieldPath ${JSON.stringify(fieldPath)} is not in the schema`);
    if (reason !== undefined && (typeof reason !== 'string' || !RULE_REASONS.has(reason))) problems.push(`${where}: reason ${JSON.stringify(reason)} is not one the API server accepts`);
  }
  for (const [k, v] of Object.entries(properties)) problems.push(...structuralProblems(obj(v), `${path}.${k}`));
  if (isPlainObject(node.items)) problems.push(...structuralProblems(node.items, `${path}[]`));
  if (isPlainObject(node.additionalProperties)) problems.push(...structuralProblems(node.additionalProperties, `${path}.*`));
  return problems;
}

function resolve(node: Obj, fieldPath: string): Obj | undefined {
  let at: Obj | undefined = node;
  for (const part of fieldPath.split('.').slice(1)) at = isPlainObject(obj(at?.properties)[part]) ? obj(obj(at?.properties)[part]) : undefined;
  return at;
}

/**
 * The schema as ajv reads it. Objects with declared properties and no
 * x-kubernetes-preserve-unknown-fields refuse other fields, as strict field validation does.
 */
function toAjv(node: Obj): Obj {
  const out: Obj = {};
  for (const key of ['type', 'enum', 'required', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'multipleOf']) {
    if (key in node) out[key] = node[key];
  }
  if (node['x-kubernetes-int-or-string'] === true) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (isPlainObject(node.items)) out.items = toAjv(node.items);
  if (isPlainObject(node.properties)) {
    out.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, toAjv(obj(v))]));
    if (node['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  }
  if (isPlainObject(node.additionalProperties)) out.additionalProperties = toAjv(node.additionalProperties);
  return out;
}

function toCel(value: unknown): CelInput {
  if (Array.isArray(value)) return value.map(toCel);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  // Integer fields are CEL ints.
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return value as CelInput;
}

const celEnvironment = celEnv();
const plannedRules = new Map<string, (bindings: { self: CelInput }) => CelResult>();

/** A rule's result; parsed and planned once, as the same rules run on every case. */
function evaluateRule(rule: string, self: CelInput): CelResult | Error {
  try {
    let planned = plannedRules.get(rule);
    if (planned === undefined) {
      planned = planCel(celEnvironment, parseCel(rule));
      plannedRules.set(rule, planned);
    }
    return planned({ self });
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

interface CelViolation {
  path: string;
  message: string;
  /** The rule could not be evaluated (a field it reads is missing); the API server refuses that too. */
  evaluationError?: string;
}

/** Runs every x-kubernetes-validations rule on the value at its node, as the API server does. */
function celViolations(node: Obj, value: unknown, path: string): CelViolation[] {
  if (value === undefined || value === null) return [];
  const out: CelViolation[] = [];
  for (const v of list(node['x-kubernetes-validations'])) {
    const { rule, message, fieldPath } = obj(v);
    const result = evaluateRule(String(rule), toCel(value));
    if (result !== true) {
      const at = `${path}${typeof fieldPath === 'string' ? fieldPath : ''}`;
      const failed = isCelError(result) || result instanceof Error;
      out.push({ path: at, message: String(message), ...(failed ? { evaluationError: result.message } : {}) });
    }
  }
  if (isPlainObject(value)) {
    for (const [k, sub] of Object.entries(obj(node.properties))) out.push(...celViolations(obj(sub), value[k], `${path}.${k}`));
    if (isPlainObject(node.additionalProperties)) {
      for (const [k, item] of Object.entries(value)) out.push(...celViolations(node.additionalProperties, item, `${path}.${k}`));
    }
  }
  if (Array.isArray(value) && isPlainObject(node.items)) {
    const items = node.items;
    value.forEach((item, i) => out.push(...celViolations(items, item, `${path}[${i}]`)));
  }
  return out;
}

const backendCrd = only('CustomResourceDefinition', 'backends.gateway.kgateway.dev');
const trafficPolicyCrd = only('CustomResourceDefinition', 'trafficpolicies.gateway.kgateway.dev');
const compiled = new Map<Obj, ValidateFunction>();

interface CrdVerdict {
  schema: string[];
  cel: CelViolation[];
}

function crdVerdict(crd: Obj, object: Obj): CrdVerdict {
  const root = openApiSchema(crd);
  let validate = compiled.get(crd);
  if (validate === undefined) {
    validate = ajv.compile(toAjv(root));
    compiled.set(crd, validate);
  }
  const schema = validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  return { schema, cel: celViolations(root, object, '') };
}

const accepted = (v: CrdVerdict): boolean => v.schema.length === 0 && v.cel.length === 0;
const show = (v: CrdVerdict): string =>
  [...v.schema, ...v.cel.map((c) => `${c.path}: ${c.evaluationError === undefined ? c.message : `cannot evaluate: ${c.evaluationError}`}`)].join('; ');

function gatewayErrors(object: Obj): string[] {
  return parseObject({ object, origin: { source: 'file', path: 'test.yaml' } })
    .issues.filter((i) => i.severity === 'error')
    .map((i) => i.message);
}

const backend = (spec: unknown): Obj => ({
  apiVersion: 'gateway.kgateway.dev/v1alpha1',
  kind: 'Backend',
  metadata: { name: 'b', namespace: 'kgateway-system' },
  spec,
});
const inline = { kind: 'Inline', inline: 'sk-test' };
const v20 = (llm: Obj, openai: Obj = { authToken: inline }): Obj => backend({ type: 'AI', ai: { llm: { provider: { openai }, ...llm } } });
const v21 = (llm: Obj, openai: Obj = { authToken: inline }): Obj => backend({ type: 'AI', ai: { llm: { openai, ...llm } } });

function examples(): { name: string; object: Obj }[] {
  const providers = readdirSync(join(ROOT, 'examples/providers'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `examples/providers/${e.name}`);
  const fromFiles = ['examples/quickstart', 'examples/seed', ...providers].flatMap((dir) =>
    yamlFiles(join(ROOT, dir))
      .flatMap(loadDocs)
      .filter((d) => d.object.kind === 'Backend')
      .map((d) => ({ name: d.file, object: d.object })),
  );
  const seed = ['inline-backend.yaml', 'secretref-backend.yaml', 'passthrough-backend.yaml'].flatMap((f) =>
    loadAll(seedManifest(f, { TOKEN: 'sk-test' })).map((object) => ({ name: `seed ${f} with $TOKEN set`, object: obj(object) })),
  );
  return [...fromFiles, ...seed];
}

const VALID: { name: string; object: Obj }[] = [
  ...examples(),
  { name: 'v2.1 AI backend (test manifests)', object: obj(loadAll(aiBackend('b', { port: 11434, model: 'gpt-4o' }))[0]) },
  { name: 'Static backend (test manifests)', object: obj(loadAll(staticBackend('b', 8080))[0]) },
  { name: 'v2.0 with hostOverride, pathOverride, authHeaderOverride', object: v20({ hostOverride: { host: 'llm.internal', port: 443 }, pathOverride: { fullPath: '/v1/chat' }, authHeaderOverride: { prefix: 'Token' } }) },
  { name: 'v2.1 with host, port, path, authHeader', object: v21({ host: 'llm.internal', port: 8443, path: { full: '/openai/chat' }, authHeader: { headerName: 'api-key', prefix: '' } }) },
  { name: 'v2.1 SecretRef', object: v21({}, { authToken: { kind: 'SecretRef', secretRef: { name: 'openai-secret' } }, model: 'gpt-4o' }) },
  { name: 'v2.1 Passthrough', object: v21({}, { authToken: { kind: 'Passthrough' } }) },
  { name: 'Static with two hosts', object: backend({ type: 'Static', static: { hosts: [{ host: 'a', port: 80 }, { host: 'b', port: 65535 }] } }) },
  { name: 'anthropic (v2.0)', object: backend({ type: 'AI', ai: { llm: { provider: { anthropic: { authToken: inline, model: 'claude', apiVersion: '2023-06-01' } } } } }) },
  { name: 'azureopenai (v2.1)', object: backend({ type: 'AI', ai: { llm: { azureopenai: { authToken: inline, endpoint: 'r.openai.azure.com', deploymentName: 'gpt-4o-mini', apiVersion: '2024-10-21' } } } }) },
  { name: 'gemini (v2.0)', object: backend({ type: 'AI', ai: { llm: { provider: { gemini: { authToken: inline, model: 'gemini-1.5-flash-001', apiVersion: 'v1beta' } } } } }) },
  { name: 'vertexai (v2.1)', object: backend({ type: 'AI', ai: { llm: { vertexai: { authToken: inline, model: 'gemini-1.5-flash-001', apiVersion: 'v1', projectId: 'p', location: 'us-central1', publisher: 'GOOGLE' } } } }) },
  { name: 'bedrock (v2.1)', object: backend({ type: 'AI', ai: { llm: { bedrock: { auth: { type: 'Secret', secretRef: { name: 'aws' } }, model: 'anthropic.claude-3-haiku-20240307-v1:0', region: 'us-west-2', guardrail: { identifier: 'g', version: '1' } } } } }) },
  { name: 'multipool (v2.0)', object: backend({ type: 'AI', ai: { multipool: { priorities: [{ pool: [{ provider: { openai: { authToken: inline, model: 'a' } } }] }, { pool: [{ provider: { openai: { authToken: inline, model: 'b' } } }] }] } } }) },
  { name: 'priorityGroups (v2.1)', object: backend({ type: 'AI', ai: { priorityGroups: [{ providers: [{ name: 'primary', openai: { authToken: inline } }] }] } }) },
  {
    name: 'priorityGroups of mixed providers (v2.1)',
    object: backend({ type: 'AI', ai: { priorityGroups: [{ providers: [{ name: 'openai', openai: { authToken: inline, model: 'gpt-4o' } }, { name: 'claude', anthropic: { authToken: inline, model: 'claude-x' } }] }, { providers: [{ name: 'gemini', gemini: { authToken: inline, model: 'gemini-2.0-flash', apiVersion: 'v1beta' } }] }] } }),
  },
];

// Refused by both; `cel` marks the cases whose refusal comes from a CEL rule.
const INVALID: { name: string; object: Obj; cel?: true }[] = [
  { name: 'type outside the enum', object: backend({ type: 'Lambda', ai: { llm: { openai: { authToken: inline } } } }) },
  { name: 'authToken.kind outside the enum', object: v20({}, { authToken: { kind: 'Token', inline: 'x' } }) },
  { name: 'no spec', object: { apiVersion: 'gateway.kgateway.dev/v1alpha1', kind: 'Backend', metadata: { name: 'b' } } },
  { name: 'no type', object: backend({ ai: { llm: { openai: { authToken: inline } } } }) },
  { name: 'no authToken', object: v21({}, { model: 'gpt-4o' }) },
  { name: 'empty model', object: v21({}, { authToken: inline, model: '' }) },
  { name: 'hostOverride port out of range', object: v20({ hostOverride: { host: 'h', port: 70000 } }) },
  { name: 'Static without hosts', object: backend({ type: 'Static', static: { hosts: [] } }) },
  { name: 'Static host without port', object: backend({ type: 'Static', static: { hosts: [{ host: 'a' }] } }) },
  { name: 'AI without ai', object: backend({ type: 'AI' }), cel: true },
  { name: 'Static with ai', object: backend({ type: 'Static', static: { hosts: [{ host: 'a', port: 80 }] }, ai: { llm: { openai: { authToken: inline } } } }), cel: true },
  { name: 'Static without static', object: backend({ type: 'Static' }), cel: true },
  { name: 'AI with static', object: backend({ type: 'AI', ai: { llm: { openai: { authToken: inline } } }, static: { hosts: [{ host: 'a', port: 80 }] } }), cel: true },
  { name: 'llm and multipool', object: backend({ type: 'AI', ai: { llm: { openai: { authToken: inline } }, multipool: { priorities: [{ pool: [{ provider: { openai: { authToken: inline } } }] }] } } }), cel: true },
  { name: 'neither llm nor a pool', object: backend({ type: 'AI', ai: {} }), cel: true },
  { name: 'two providers (v2.1)', object: v21({ anthropic: { authToken: inline } }), cel: true },
  { name: 'gemini without model', object: backend({ type: 'AI', ai: { llm: { gemini: { authToken: inline, apiVersion: 'v1beta' } } } }) },
  { name: 'vertexai with another publisher', object: backend({ type: 'AI', ai: { llm: { vertexai: { authToken: inline, model: 'm', apiVersion: 'v1', projectId: 'p', location: 'l', publisher: 'ACME' } } } }) },
  { name: 'bedrock region with capitals', object: backend({ type: 'AI', ai: { llm: { bedrock: { auth: { type: 'Secret', secretRef: { name: 'aws' } }, region: 'US-EAST-1' } } } }) },
  { name: 'empty provider (v2.0)', object: backend({ type: 'AI', ai: { llm: { provider: {} } } }), cel: true },
  { name: 'no provider (v2.1)', object: backend({ type: 'AI', ai: { llm: { host: 'h', port: 1 } } }), cel: true },
  { name: 'inline and secretRef', object: v20({}, { authToken: { kind: 'Inline', inline: 'x', secretRef: { name: 's' } } }), cel: true },
  { name: 'SecretRef without secretRef', object: v20({}, { authToken: { kind: 'SecretRef' } }), cel: true },
  { name: 'Inline without inline', object: v21({}, { authToken: { kind: 'Inline' } }), cel: true },
  { name: 'host without port (v2.1)', object: v21({ host: 'llm.internal' }), cel: true },
  { name: 'path.full not absolute', object: v21({ path: { full: 'v1/chat' } }), cel: true },
  { name: 'pathOverride.fullPath not absolute', object: v20({ pathOverride: { fullPath: 'v1/chat' } }), cel: true },
  { name: 'empty authHeader', object: v21({ authHeader: {} }), cel: true },
  { name: 'empty authHeaderOverride', object: v20({ authHeaderOverride: {} }), cel: true },
];

// Valid kgateway Backends the gateway does not serve yet: the API keeps them, the gateway says why in status.
const NOT_YET: { name: string; object: Obj }[] = [
  { name: 'AWS backend', object: backend({ type: 'AWS', aws: { accountId: '000000000000', lambda: { functionName: 'f' } } }) },
  { name: 'bedrock (v2.1)', object: backend({ type: 'AI', ai: { llm: { bedrock: { model: 'm', region: 'us-east-1' } } } }) },
];

describe('the CRDs', () => {
  for (const crd of [backendCrd, trafficPolicyCrd]) {
    test(`${nameOf(crd)} is a structural schema with compilable rules`, () => {
      assert.deepEqual(structuralProblems(openApiSchema(crd), ''), []);
      const spec = obj(openApiSchema(crd).properties).spec;
      assert.equal(obj(spec)['x-kubernetes-preserve-unknown-fields'], true, 'spec keeps kgateway fields the gateway does not read');
    });
  }

  test('their names are kgateway’s', () => {
    for (const [crd, kind, plural, singular] of [
      [backendCrd, 'Backend', 'backends', 'backend'],
      [trafficPolicyCrd, 'TrafficPolicy', 'trafficpolicies', 'trafficpolicy'],
    ] as const) {
      const spec = obj(crd.spec);
      assert.equal(spec.group, 'gateway.kgateway.dev');
      assert.equal(spec.scope, 'Namespaced');
      assert.deepEqual(spec.names, { kind, listKind: `${kind}List`, plural, singular, categories: ['kgateway'] });
      const versions = list(spec.versions).map(obj);
      assert.deepEqual(
        versions.map((v) => [v.name, v.served, v.storage, v.subresources]),
        [['v1alpha1', true, true, { status: {} }]],
      );
    }
  });

  test('the structural check finds what the API server would refuse', () => {
    assert.match(structuralProblems({ type: 'object', properties: { a: { description: 'untyped' } } }, '').join('\n'), /\.a: has no type/);
    assert.match(structuralProblems({ type: 'array' }, '').join('\n'), /needs items/);
    assert.match(structuralProblems({ type: 'object', 'x-kubernetes-validations': [{ rule: 'has(self.b', message: 'm' }] }, '').join('\n'), /does not parse/);
    assert.match(structuralProblems({ type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: 'has(self.b)', message: 'm' }] }, '').join('\n'), /undeclared field b/);
    assert.match(structuralProblems({ type: 'object', 'x-kubernetes-validations': [{ rule: 'true', message: 'm', fieldPath: '.nope' }] }, '').join('\n'), /fieldPath "\.nope"/);
  });

  for (const { name, object } of VALID) {
    test(`accepts, as the gateway does: ${name}`, () => {
      assert.deepEqual(gatewayErrors(object), [], 'the gateway should accept it');
      const verdict = crdVerdict(backendCrd, object);
      assert.ok(accepted(verdict), `the CRD refuses it: ${show(verdict)}`);
    });
  }

  const celFired = new Set<string>();
  for (const { name, object, cel } of INVALID) {
    test(`refuses, as the gateway does: ${name}`, () => {
      const gateway = gatewayErrors(object);
      assert.notDeepEqual(gateway, [], 'the gateway should refuse it');
      const verdict = crdVerdict(backendCrd, object);
      assert.ok(!accepted(verdict), 'the CRD accepts it');
      if (cel === true) assert.ok(verdict.cel.some((v) => v.evaluationError === undefined), `refused by the schema alone (${show(verdict)}), not by a CEL rule`);
      // A CEL rule says what the gateway says.
      for (const c of verdict.cel.filter((v) => v.evaluationError === undefined)) {
        assert.ok(gateway.includes(c.message), `CRD message "${c.message}" is not among the gateway's: ${gateway.join('; ')}`);
        celFired.add(c.message);
      }
    });
  }

  test('every CEL rule of the Backend CRD is exercised and worded as in the Backend reader', () => {
    // The provider list is interpolated into its message.
    const source = ['backend.ts', 'llm-provider.ts']
      .map((f) => readFileSync(join(ROOT, 'src/config/resources', f), 'utf8'))
      .join('\n')
      .replaceAll("${LLM_PROVIDERS.join(', ')}", LLM_PROVIDERS.join(', '));
    const messages = new Set<string>();
    const collect = (node: Obj): void => {
      for (const v of list(node['x-kubernetes-validations'])) messages.add(String(obj(v).message));
      for (const sub of Object.values(obj(node.properties))) collect(obj(sub));
      if (isPlainObject(node.items)) collect(node.items);
    };
    collect(openApiSchema(backendCrd));
    assert.ok(messages.size >= 10);
    for (const message of messages) {
      assert.ok(source.includes(message) || source.includes(message.replace(/"/g, '\\"')), `"${message}" is not in backend.ts`);
      assert.ok(celFired.has(message), `no invalid case refuses with "${message}"`);
    }
  });

  for (const { name, object } of NOT_YET) {
    test(`accepts what the gateway does not serve yet: ${name}`, () => {
      const verdict = crdVerdict(backendCrd, object);
      assert.ok(accepted(verdict), `the CRD refuses it: ${show(verdict)}`);
      const gateway = gatewayErrors(object);
      assert.notDeepEqual(gateway, []);
      for (const message of gateway) assert.match(message, /not supported yet/);
    });
  }

  test('keeps kgateway fields under spec it does not type, refuses unknown ones below', () => {
    const extra = backend({ type: 'AI', ai: { llm: { openai: { authToken: inline } } }, futureField: { x: 1 } });
    assert.ok(accepted(crdVerdict(backendCrd, extra)));
    const typo = v21({}, { authToken: inline, modle: 'gpt-4o' });
    assert.match(show(crdVerdict(backendCrd, typo)), /must NOT have additional properties/);
  });

  const policy = (spec: Obj): Obj => ({
    apiVersion: 'gateway.kgateway.dev/v1alpha1',
    kind: 'TrafficPolicy',
    metadata: { name: 'p', namespace: 'kgateway-system' },
    spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'openai' }], ...spec },
  });
  const validPolicy = policy({
    ai: {
      promptEnrichment: { prepend: [{ role: 'SYSTEM', content: 'Answer in French.' }] },
      promptGuard: {
        request: {
          customResponse: { message: 'Rejected', statusCode: 422 },
          regex: { matches: [{ pattern: 'credit card', name: 'cc' }], builtins: ['SSN', 'EMAIL'], action: 'REJECT' },
          webhook: { host: { host: 'guard.svc', port: 8000 }, forwardHeaders: [{ type: 'Exact', name: 'x-user', value: 'a' }] },
          moderation: { openAIModeration: { authToken: { kind: 'SecretRef', secretRef: { name: 'openai-secret' } }, model: 'omni-moderation-latest' } },
        },
        response: { regex: { builtins: ['CREDIT_CARD'] } },
      },
      defaults: [{ field: 'temperature', value: '0.5', override: true }],
      routeType: 'CHAT_STREAMING',
    },
    rateLimit: { local: { tokenBucket: { maxTokens: 10, tokensPerFill: 1, fillInterval: '1m30s' } } },
    timeouts: { request: '10s' },
  });

  test('TrafficPolicy: accepts a full AI policy, as the gateway does', () => {
    const verdict = crdVerdict(trafficPolicyCrd, validPolicy);
    assert.ok(accepted(verdict), show(verdict));
    assert.deepEqual(gatewayErrors(validPolicy), []);
  });

  for (const [name, spec, expected] of [
    ['statusCode out of range', { ai: { promptGuard: { request: { customResponse: { statusCode: 700 } } } } }, /statusCode must be <= 599/],
    ['unknown builtin', { ai: { promptGuard: { request: { regex: { builtins: ['ZIP'] } } } } }, /must be equal to one of the allowed values/],
    ['unknown routeType', { ai: { routeType: 'COMPLETIONS' } }, /routeType must be equal to one of/],
    ['empty default value', { ai: { defaults: [{ field: 'temperature', value: '' }] } }, /value must NOT have fewer than 1 characters/],
    ['maxTokens 0', { rateLimit: { local: { tokenBucket: { maxTokens: 0, fillInterval: '1s' } } } }, /maxTokens must be >= 1/],
    ['fillInterval not a duration', { rateLimit: { local: { tokenBucket: { maxTokens: 1, fillInterval: 'often' } } } }, /invalid duration value/],
    ['fillInterval under 50ms', { rateLimit: { local: { tokenBucket: { maxTokens: 1, fillInterval: '10ms' } } } }, /must be at least 50ms/],
    ['no targetRefs entries', { targetRefs: [] }, /targetRefs must NOT have fewer than 1 items/],
    ['targetRef without kind', { targetRefs: [{ group: '', name: 'r' }] }, /must have required property 'kind'/],
  ] as const) {
    test(`TrafficPolicy: refuses ${name}`, () => {
      assert.match(show(crdVerdict(trafficPolicyCrd, policy(spec))), expected);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// RBAC: exactly what the gateway uses.

const READ_VERBS = ['get', 'list', 'watch'];
const STATUS_WRITTEN = [
  'gateway.networking.k8s.io/gatewayclasses/status',
  'gateway.networking.k8s.io/gateways/status',
  'gateway.networking.k8s.io/httproutes/status',
  'gateway.kgateway.dev/backends/status',
  'gateway.kgateway.dev/trafficpolicies/status',
];

/** `group/resource` of a list path: `/api/v1/secrets` → `/secrets`. */
function resourceOfPath(path: string): string {
  const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/([^/]+)$/.exec(path);
  assert.ok(m !== null, `not a list path: ${path}`);
  return `${m[1] ?? ''}/${m[2] ?? ''}`;
}

/** Every `verb group/resource [names]` a role grants. */
function grants(role: Obj): string[] {
  return list(role.rules)
    .map(obj)
    .flatMap((rule) => {
      const names = strings(rule.resourceNames);
      return strings(rule.apiGroups).flatMap((g) =>
        strings(rule.resources).flatMap((r) => strings(rule.verbs).map((v) => `${v} ${g}/${r}${names.length > 0 ? ` [${names.join(',')}]` : ''}`)),
      );
    })
    .sort();
}

function ruleProblems(role: Obj): string[] {
  return list(role.rules)
    .map(obj)
    .flatMap((rule) => [
      ...(['apiGroups', 'resources', 'verbs'] as const).filter((k) => strings(rule[k]).includes('*')).map((k) => `wildcard in ${k}`),
      ...(rule.nonResourceURLs === undefined ? [] : ['nonResourceURLs']),
    ]);
}

function expectedClusterGrants(): string[] {
  const read = new Set(WATCHED_KINDS.map((k) => resourceOfPath(k.path)));
  return [...[...read].flatMap((r) => READ_VERBS.map((v) => `${v} ${r}`)), ...STATUS_WRITTEN.map((r) => `patch ${r}`)].sort();
}

function containerOf(deployment: Obj): Obj {
  const containers = list(obj(obj(obj(deployment.spec).template).spec).containers).map(obj);
  assert.equal(containers.length, 1);
  return containers[0] as Obj;
}

function flagValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i === -1 ? undefined : args[i + 1];
}

describe('RBAC', () => {
  const clusterRole = only('ClusterRole');
  const role = only('Role');
  const deployment = only('Deployment');
  const serviceAccount = only('ServiceAccount');

  test('the ClusterRole reads exactly the watched kinds and patches only status', () => {
    assert.deepEqual(ruleProblems(clusterRole), []);
    assert.ok(list(clusterRole.rules).every((r) => obj(r).resourceNames === undefined));
    assert.deepEqual(grants(clusterRole), expectedClusterGrants());
  });

  test('the check fails on any extra or missing permission', () => {
    const extra = structuredClone(clusterRole);
    list(extra.rules).push({ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] });
    assert.notDeepEqual(grants(extra), expectedClusterGrants());
    const missing = structuredClone(clusterRole);
    list(missing.rules).pop();
    assert.notDeepEqual(grants(missing), expectedClusterGrants());
    assert.deepEqual(ruleProblems({ rules: [{ apiGroups: ['*'], resources: ['secrets'], verbs: ['*'] }] }), ['wildcard in apiGroups', 'wildcard in verbs']);
  });

  test('the Role only creates, reads and renews the gateway’s own Lease', () => {
    assert.deepEqual(ruleProblems(role), []);
    const [leaseNamespace, leaseName] = (flagValue(strings(containerOf(deployment).args), '--lease') ?? '').split('/');
    assert.equal(obj(role.metadata).namespace, leaseNamespace);
    assert.equal(leaseName, 'ai-gateway');
    assert.deepEqual(grants(role), ['create coordination.k8s.io/leases', `get coordination.k8s.io/leases [${leaseName}]`, `update coordination.k8s.io/leases [${leaseName}]`]);
  });

  test('both roles are bound to the Deployment’s service account', () => {
    const subject = { kind: 'ServiceAccount', name: nameOf(serviceAccount), namespace: obj(serviceAccount.metadata).namespace };
    assert.equal(obj(obj(obj(deployment.spec).template).spec).serviceAccountName, subject.name);
    assert.equal(obj(deployment.metadata).namespace, subject.namespace);
    for (const [binding, target] of [
      [only('ClusterRoleBinding'), clusterRole],
      [only('RoleBinding'), role],
    ] as const) {
      assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: target.kind, name: nameOf(target) });
      assert.deepEqual(binding.subjects, [subject]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The Deployment runs the CLI as it is.

describe('the Deployment', () => {
  const deployment = only('Deployment');
  const pod = obj(obj(deployment.spec).template);
  const podSpec = obj(pod.spec);
  const container = containerOf(deployment);
  const args = strings(container.args);
  const ports = new Map(list(container.ports).map((p) => [String(obj(p).name), Number(obj(p).containerPort)]));
  const env = new Map(list(container.env).map((e) => [String(obj(e).name), obj(obj(e).valueFrom)]));

  test('runs `serve --kubernetes` with flags the CLI declares', () => {
    assert.equal(args[0], 'serve');
    assert.ok(args.includes('--kubernetes'));
    const options = SERVE_OPTIONS;
    const rest = args.slice(1);
    const { values } = parseArgs({ args: rest, options, strict: true, allowPositionals: false });
    assert.equal(values.kubernetes, true);
    assert.throws(() => parseArgs({ args: [...rest, '--no-such-flag'], options, strict: true }), /Unknown option/);
  });

  test('its flags agree with the other manifests', () => {
    const gatewayClass = only('GatewayClass');
    assert.equal(flagValue(args, '--gateway-class'), nameOf(gatewayClass));
    assert.equal(obj(only('Gateway').spec).gatewayClassName, nameOf(gatewayClass));
    assert.equal(flagValue(args, '--controller-name'), obj(gatewayClass.spec).controllerName);
    const service = only('Service');
    assert.equal(flagValue(args, '--publish-service'), `${String(obj(service.metadata).namespace)}/${nameOf(service)}`, 'Gateways report the Service in front of these pods');
    const admin = parseHostPort('--admin-address', flagValue(args, '--admin-address') ?? '');
    assert.equal(admin.port, ports.get('admin'));
    assert.equal(admin.host, '0.0.0.0', 'probes reach the admin API on the pod IP');
    // Off loopback, serve refuses to start without a token.
    assert.deepEqual(env.get('AI_GATEWAY_ADMIN_TOKEN'), { secretKeyRef: { name: 'ai-gateway-admin', key: 'token' } });
    assert.deepEqual(env.get('POD_NAME'), { fieldRef: { fieldPath: 'metadata.name' } });
    assert.deepEqual(env.get('POD_NAMESPACE'), { fieldRef: { fieldPath: 'metadata.namespace' } });
    // The root filesystem is read-only, so the state dir must be a mounted volume.
    const stateDir = flagValue(args, '--state-dir');
    assert.ok(stateDir !== undefined);
    assert.ok(list(container.volumeMounts).some((m) => obj(m).mountPath === stateDir));
  });

  test('probes the admin API', () => {
    assert.deepEqual(obj(container.readinessProbe).httpGet, { path: '/readyz', port: 'admin' });
    assert.deepEqual(obj(container.livenessProbe).httpGet, { path: '/healthz', port: 'admin' });
    assert.equal(ports.get('admin'), 19000);
  });

  test('serves the Gateway listener through the Service', () => {
    const listener = obj(list(obj(only('Gateway').spec).listeners)[0]);
    const service = obj(only('Service').spec);
    const servicePort = obj(list(service.ports)[0]);
    assert.equal(service.type, 'LoadBalancer');
    assert.deepEqual([servicePort.name, servicePort.port, servicePort.targetPort], ['http', 8080, 'http']);
    assert.equal(ports.get('http'), listener.port);
    const labels = obj(obj(pod.metadata).labels);
    const selects = (selector: Obj): boolean => Object.entries(selector).every(([k, v]) => labels[k] === v);
    assert.ok(selects(obj(service.selector)), 'the Service selects the pods');
    assert.ok(selects(obj(obj(obj(only('PodDisruptionBudget').spec).selector).matchLabels)), 'the PDB selects the pods');
    assert.ok(selects(obj(obj(obj(deployment.spec).selector).matchLabels)));
  });

  test('runs locked down, spread and sized', () => {
    assert.equal(obj(deployment.spec).replicas, 2);
    const securityContext = obj(container.securityContext);
    assert.equal(securityContext.runAsNonRoot ?? obj(podSpec.securityContext).runAsNonRoot, true);
    assert.equal(securityContext.readOnlyRootFilesystem, true);
    assert.equal(securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(obj(securityContext.capabilities).drop, ['ALL']);
    assert.equal(obj(obj(podSpec.securityContext).seccompProfile).type, 'RuntimeDefault');
    assert.ok(Number(obj(podSpec.securityContext).runAsUser) > 0, 'a numeric non-root user, so the kubelet can verify runAsNonRoot');
    const resources = obj(container.resources);
    assert.ok(obj(resources.requests).cpu !== undefined && obj(resources.requests).memory !== undefined && obj(resources.limits).memory !== undefined);
    assert.ok(list(obj(obj(podSpec.affinity).podAntiAffinity).preferredDuringSchedulingIgnoredDuringExecution).length > 0);
    assert.equal(obj(only('PodDisruptionBudget').spec).minAvailable, 1);
  });

  test('its image is the one kustomization.yaml lets users override', () => {
    const image = String(container.image);
    const images = list(only('Kustomization').images).map(obj);
    assert.equal(image, 'ghcr.io/ai-gateway/ai-gateway:0.1.0');
    assert.ok(images.some((i) => i.name === image.slice(0, image.lastIndexOf(':')) && i.newTag === image.slice(image.lastIndexOf(':') + 1)));
  });
});
