/** A Backend's `authToken` (or, for bedrock, its `auth`), as read from its manifest. */
export type AuthTokenSpec =
  | { kind: 'Inline'; inline: string }
  | { kind: 'SecretRef'; secretName: string }
  | { kind: 'Passthrough' }
  /** bedrock: a Secret with `accessKey`, `secretKey` and optionally `sessionToken`. */
  | { kind: 'AwsSecretRef'; secretName: string };

export interface AwsKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | undefined;
}

/**
 * How an AI Backend authenticates upstream, resolved at config compile time so the data
 * plane only copies a ready header value.
 */
export type BackendCredential =
  | { kind: 'static'; token: string }
  | { kind: 'aws'; keys: AwsKeys }
  | { kind: 'passthrough' }
  /** The Secret is missing or unusable; `reason` names it and never holds its value. */
  | { kind: 'unavailable'; reason: string };

/** The Secret key kgateway reads the API key from. */
export const SECRET_TOKEN_KEY = 'Authorization';

export interface SecretLookup {
  get(namespace: string, name: string): ReadonlyMap<string, string> | undefined;
}

/** SecretRef resolves in the Backend's namespace, as in kgateway. */
export function resolveCredential(spec: AuthTokenSpec, namespace: string, secrets: SecretLookup): BackendCredential {
  switch (spec.kind) {
    case 'Inline':
      return credentialFromValue(spec.inline, 'the inline token is empty');
    case 'Passthrough':
      return { kind: 'passthrough' };
    case 'SecretRef': {
      const secret = secrets.get(namespace, spec.secretName);
      const ref = `Secret ${namespace}/${spec.secretName}`;
      if (secret === undefined) return { kind: 'unavailable', reason: `${ref} not found` };
      const value = secret.get(SECRET_TOKEN_KEY);
      if (value === undefined) return { kind: 'unavailable', reason: `${ref} has no key "${SECRET_TOKEN_KEY}"` };
      return credentialFromValue(value, `${ref} key "${SECRET_TOKEN_KEY}" is empty`);
    }
    case 'AwsSecretRef':
      return awsCredential(secrets.get(namespace, spec.secretName), `Secret ${namespace}/${spec.secretName}`);
  }
}

/** AWS keys from a Secret's `accessKey`, `secretKey` and optional `sessionToken` (kgateway's key names). */
function awsCredential(secret: ReadonlyMap<string, string> | undefined, ref: string): BackendCredential {
  if (secret === undefined) return { kind: 'unavailable', reason: `${ref} not found` };
  const read = (key: string): string | undefined => {
    const value = secret.get(key)?.trim();
    return value === '' ? undefined : value;
  };
  const accessKeyId = read('accessKey');
  const secretAccessKey = read('secretKey');
  if (accessKeyId === undefined || secretAccessKey === undefined) return { kind: 'unavailable', reason: `${ref} needs the keys "accessKey" and "secretKey"` };
  return { kind: 'aws', keys: { accessKeyId, secretAccessKey, sessionToken: read('sessionToken') } };
}

function credentialFromValue(value: string, emptyReason: string): BackendCredential {
  const token = stripBearer(value);
  return token === '' ? { kind: 'unavailable', reason: emptyReason } : { kind: 'static', token };
}

/** Accepts `sk-…` or `Bearer sk-…` (and trailing newlines from `echo`); the prefix is re-added per provider. */
export function stripBearer(value: string): string {
  return value.trim().replace(/^bearer\s+/i, '').trim();
}

/** The header value: the provider's prefix (or the Backend's authHeader prefix) and the token. */
export function formatAuthHeader(prefix: string, token: string): string {
  if (prefix === '') return token;
  return prefix.endsWith(' ') ? prefix + token : `${prefix} ${token}`;
}

/**
 * Every header a client may carry a provider key in (any provider SDK's), in the order
 * Passthrough looks at them. None of them goes upstream as the client sent it.
 */
export const CLIENT_CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'api-key', 'x-goog-api-key'] as const;

/** The client's query without Google's `key` parameter (a credential, like the headers above). */
export function queryWithoutKey(query: string): string {
  if (query === '') return '';
  const params = new URLSearchParams(query);
  if (!params.has('key')) return `?${query}`;
  params.delete('key');
  const rest = params.toString();
  return rest === '' ? '' : `?${rest}`;
}
