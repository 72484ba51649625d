import type { Provider, ProviderSettings, Target } from './provider.js';

function region(settings: ProviderSettings): string {
  return settings.region ?? 'us-east-1';
}

/** Model ids hold `:` and ARNs hold `/`: each is one escaped path segment. */
function modelPath(model: string | undefined, action: string): string {
  return `/model/${encodeURIComponent(model ?? '')}/${action}`;
}

/**
 * Amazon Bedrock: the Converse API (`/model/{model}/converse`, `/converse-stream`) on
 * `bedrock-runtime.<region>.amazonaws.com`, Titan embeddings through `/invoke`, every request
 * signed with AWS Signature Version 4 for the service `bedrock`.
 */
export const bedrock: Provider = {
  id: 'bedrock',
  metricLabel: 'bedrock',
  schema: 'bedrock',
  defaultHost: (settings) => `bedrock-runtime.${region(settings)}.amazonaws.com`,
  target({ operation, model, stream }): Target {
    if (operation === 'chat') return { path: modelPath(model, stream ? 'converse-stream' : 'converse') };
    if (operation === 'embeddings') return { path: modelPath(model, 'invoke') };
    if (operation === 'models') return { unsupported: 'bedrock lists models on its control-plane API, not on bedrock-runtime' };
    return { unsupported: `bedrock has no ${operation} API` };
  },
  credential: { sigv4: { service: 'bedrock' } },
  decorateBody(body, { operation, settings }): void {
    const guardrail = settings.guardrail;
    if (operation === 'chat' && guardrail !== undefined) body.guardrailConfig = { guardrailIdentifier: guardrail.identifier, guardrailVersion: guardrail.version };
  },
};
