import type { NativeCall, Provider, ProviderSettings, Target } from './provider.js';

/** `/openai/deployments/{deployment}/{operation}`: the path Azure's own clients (`AzureOpenAI`) use. */
const DEPLOYMENT_PATH = /\/openai\/deployments\/([^/]+)\/(chat\/completions|completions|embeddings)$/;

const OPERATIONS = { 'chat/completions': 'chat', completions: 'completions', embeddings: 'embeddings' } as const;

function deploymentPath(settings: ProviderSettings, deployment: string, suffix: string): string {
  return `/openai/deployments/${encodeURIComponent(deployment)}/${suffix}?api-version=${encodeURIComponent(settings.apiVersion ?? '')}`;
}

/**
 * Azure OpenAI: the OpenAI schema at `/openai/deployments/{deploymentName}/…?api-version=…` on the
 * Backend's endpoint, authenticated with `api-key`. The Backend's deployment and API version win
 * over the client's; embeddings go to the deployment named by the client's model.
 */
export const azureOpenAi: Provider = {
  id: 'azureopenai',
  metricLabel: 'azure_openai',
  schema: 'openai',
  defaultHost: (settings) => (settings.endpoint ?? '').replace(/^https?:\/\//, '').replace(/\/+$/, ''),
  target({ operation, model, settings }): Target {
    const deployment = settings.deploymentName ?? '';
    switch (operation) {
      case 'chat':
        return { path: deploymentPath(settings, deployment, 'chat/completions') };
      case 'completions':
        return { path: deploymentPath(settings, deployment, 'completions') };
      case 'embeddings':
        return { path: deploymentPath(settings, model ?? deployment, 'embeddings') };
      case 'models':
        return { path: `/openai/models?api-version=${encodeURIComponent(settings.apiVersion ?? '')}` };
      default:
        return { unsupported: `azureopenai has no ${operation} endpoint here` };
    }
  },
  credential: { header: 'api-key', prefix: '' },
  nativeCall(call, settings): NativeCall | undefined {
    const match = DEPLOYMENT_PATH.exec(call.path);
    if (match === null) return undefined;
    const suffix = match[2] as keyof typeof OPERATIONS;
    const operation = OPERATIONS[suffix];
    // Generation goes to the Backend's deployment; embeddings to the one the client named.
    const deployment = operation === 'embeddings' ? decodeURIComponent(match[1] ?? '') : (settings.deploymentName ?? '');
    return { operation, path: deploymentPath(settings, deployment, suffix), bodyModel: operation === 'embeddings' ? 'client' : 'backend', pathModel: deployment };
  },
};
