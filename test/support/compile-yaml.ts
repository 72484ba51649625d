import { loadAll } from 'js-yaml';
import { compileConfig, type CompileOptions } from '../../src/config/compile.js';
import type { KubeObject } from '../../src/config/resources/kube-object.js';
import type { RuntimeConfig } from '../../src/config/runtime-config.js';

/** Compiles multi-document YAML as if read from one file, `x.yaml`. */
export function compileYaml(yaml: string, options: Partial<CompileOptions> = {}): RuntimeConfig {
  const objects = loadAll(yaml)
    .filter((d) => d !== null)
    .map((d, document) => ({ object: d as KubeObject, origin: { source: 'file' as const, path: 'x.yaml', document } }));
  return compileConfig(objects, { gatewayClassName: 'kgateway', version: 1, ...options });
}
