import { KubeConfig } from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { WATCHED_KINDS } from '../../src/kubernetes/kubernetes-source.js';
import { KubernetesMode, type KubernetesModeOptions } from '../../src/kubernetes/kubernetes-mode.js';
import type { Logger } from '../../src/observability/logger.js';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { FakeKubeApi } from './fake-kube-api.js';

/** The collection path of a watched kind, e.g. `/apis/gateway.networking.k8s.io/v1/httproutes`. */
export const kindPath = (kind: string): string => WATCHED_KINDS.find((k) => k.kind === kind)?.path ?? '';

export const yamlObject = (yaml: string): Record<string, unknown> => load(yaml) as Record<string, unknown>;

/** A fake API server holding every watched kind. */
export function fakeCluster(): FakeKubeApi {
  return new FakeKubeApi(WATCHED_KINDS.map((k) => k.path));
}

export function kubeConfigFor(server: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'gateway', token: 'service-account-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'gateway' }],
    currentContext: 'fake',
  });
  return kubeConfig;
}

/** Kubernetes mode with test-sized timings: a 1 s lease, renewed every 200 ms. */
export function kubernetesMode(
  server: string,
  logger: Logger,
  opts: { identity?: string; controllerName?: string; publishService?: KubernetesModeOptions['publishService']; clock?: Clock } = {},
): KubernetesMode {
  const lease: KubernetesModeOptions['lease'] = { namespace: 'kgateway-system', name: 'ai-gateway', identity: opts.identity ?? 'replica-a', durationMs: 1000, renewEveryMs: 200, retryEveryMs: 100 };
  return new KubernetesMode({
    kubeConfig: kubeConfigFor(server),
    logger,
    clock: opts.clock ?? systemClock,
    controllerName: opts.controllerName ?? 'ai-gateway.dev/gateway-controller',
    lease,
    backoffMs: [20, 200],
    ...(opts.publishService === undefined ? {} : { publishService: opts.publishService }),
  });
}
