/** What an upstream call for one client request is: the provider path and whether the body carries a model. */
export interface ProviderOperation {
  /** Stable name for logs and metrics: chat, completions, embeddings, models, responses. */
  name: string;
  upstreamPath: string;
  /** The JSON body has a `model` the Backend's model overrides. */
  bodyHasModel: boolean;
}

/**
 * A provider adapter says where a request goes and how it authenticates; it holds no state
 * and does no I/O. Translation between API shapes lives elsewhere.
 */
export interface ProviderAdapter {
  /** The value of the `llm` metric label (kgateway's names). */
  id: string;
  defaultHost: string;
  defaultPort: number;
  /** Header carrying the credential, lower-case, and the prefix put before the token. */
  authHeaderName: string;
  authPrefix: string;
  /** Chooses the upstream operation from the client's request path (before any URLRewrite). */
  resolveOperation(clientPath: string, method: string): ProviderOperation;
}
