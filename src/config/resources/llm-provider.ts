import type { AuthTokenSpec } from '../../auth/backend-credential.js';
import type { LlmProviderName } from '../../providers/ids.js';
import type { ProviderSettings } from '../../providers/provider.js';
import type { FieldReader } from './field-reader.js';

export interface ProviderConfig {
  auth: AuthTokenSpec;
  settings: ProviderSettings;
}

const NO_SETTINGS: ProviderSettings = {
  model: undefined,
  apiVersion: undefined,
  endpoint: undefined,
  deploymentName: undefined,
  projectId: undefined,
  location: undefined,
  publisher: undefined,
  modelPath: undefined,
  region: undefined,
  guardrail: undefined,
};

const REGION = /^[a-z0-9-]+$/;

/**
 * One provider's block of an AI Backend (`openai: {...}`, `bedrock: {...}`), with kgateway's
 * fields, required ones and limits (the same in the v2.0 and v2.1 shapes).
 */
export function readProviderConfig(provider: LlmProviderName, config: FieldReader): ProviderConfig | undefined {
  if (provider === 'bedrock') return readBedrock(config);
  const auth = readAuthToken(config);
  const settings = readSettings(provider, config);
  return auth === undefined ? undefined : { auth, settings };
}

function readSettings(provider: Exclude<LlmProviderName, 'bedrock'>, c: FieldReader): ProviderSettings {
  switch (provider) {
    case 'openai':
      return { ...NO_SETTINGS, model: c.optionalString('model', { minLength: 1 }) };
    case 'azureopenai':
      return {
        ...NO_SETTINGS,
        endpoint: c.string('endpoint', { minLength: 1 }),
        deploymentName: c.string('deploymentName', { minLength: 1 }),
        apiVersion: c.string('apiVersion', { minLength: 1 }),
      };
    case 'anthropic':
      return { ...NO_SETTINGS, model: c.optionalString('model', { minLength: 1 }), apiVersion: nonEmpty(c.optionalString('apiVersion')) };
    case 'gemini':
      return { ...NO_SETTINGS, model: c.string('model', { minLength: 1 }), apiVersion: nonEmpty(c.string('apiVersion')) };
    case 'vertexai':
      return {
        ...NO_SETTINGS,
        model: c.string('model', { minLength: 1 }),
        apiVersion: c.string('apiVersion', { minLength: 1 }),
        projectId: c.string('projectId', { minLength: 1 }),
        location: c.string('location', { minLength: 1 }),
        modelPath: nonEmpty(c.optionalString('modelPath')),
        publisher: c.enumOf('publisher', ['GOOGLE'] as const),
      };
  }
}

/** An empty optional string means "not set" (kgateway's API allows `apiVersion: ""`). */
function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

function readBedrock(c: FieldReader): ProviderConfig | undefined {
  const region = c.optionalString('region', { minLength: 1 });
  if (region !== undefined && (region.length > 63 || !REGION.test(region))) c.fail('must be 1-63 lower-case letters, digits and hyphens', 'region');
  let guardrail: ProviderSettings['guardrail'];
  if (c.has('guardrail')) {
    const g = c.object('guardrail');
    const identifier = g.string('identifier', { minLength: 1 });
    const version = g.string('version', { minLength: 1 });
    if (identifier !== undefined && version !== undefined) guardrail = { identifier, version };
  }
  const settings = { ...NO_SETTINGS, model: c.optionalString('model', { minLength: 1 }), region, guardrail };
  if (!c.has('auth')) {
    c.fail('without auth (the default AWS credential chain) is not supported yet; set auth.secretRef to a Secret with accessKey and secretKey', 'auth');
    return undefined;
  }
  const auth = c.object('auth');
  auth.enumOf('type', ['Secret'] as const);
  const secretName = auth.object('secretRef').string('name', { minLength: 1 });
  return secretName === undefined ? undefined : { auth: { kind: 'AwsSecretRef', secretName }, settings };
}

function readAuthToken(config: FieldReader): AuthTokenSpec | undefined {
  if (!config.has('authToken')) {
    config.fail('is required', 'authToken');
    return undefined;
  }
  const t = config.object('authToken');
  const kind = t.enumOf('kind', ['Inline', 'SecretRef', 'Passthrough'] as const);
  if (t.has('inline') && t.has('secretRef')) t.fail('at most one of inline or secretRef may be set');
  switch (kind) {
    case 'Inline': {
      const inline = t.string('inline', { minLength: 1 });
      return inline === undefined ? undefined : { kind, inline };
    }
    case 'SecretRef': {
      if (!t.has('secretRef')) t.fail('is required when kind is SecretRef', 'secretRef');
      const secretName = t.object('secretRef').string('name', { minLength: 1 });
      return secretName === undefined ? undefined : { kind, secretName };
    }
    case 'Passthrough':
      return { kind };
    default:
      return undefined;
  }
}
