import { CORE_SCHEMA, loadAll, Type, YAMLException } from 'js-yaml';
import { isPlainObject } from '../../core/json.js';
import type { Origin, SourcedObject } from '../resources/kube-object.js';

/** A file (or applied text) that is not valid YAML: nothing from it is used. */
export class YamlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlSyntaxError';
  }
}

/**
 * YAML as Kubernetes reads it: the core schema, so `apiVersion: 2024-10-21` stays a string (not
 * a date), with merge keys (`<<: *anchor`).
 */
const MANIFEST_SCHEMA = CORE_SCHEMA.extend({
  // js-yaml merges any key of this tag (its own merge type is not in its typings).
  implicit: [new Type('tag:yaml.org,2002:merge', { kind: 'scalar', resolve: (data: unknown) => data === '<<' || data === null })],
});

/**
 * Multi-document YAML (or JSON) to objects, one per document; empty documents are skipped and
 * `kind: List` is expanded as kubectl does. js-yaml, because it reads thousands of documents
 * several times faster than the alternatives measured, which keeps large reloads under a second.
 */
export function parseManifests(text: string, origin: Omit<Origin, 'document'>): SourcedObject[] {
  const where = origin.path ?? origin.source;
  let docs: unknown[];
  try {
    docs = loadAll(text, undefined, { filename: where, schema: MANIFEST_SCHEMA });
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    const mark = err.mark as { line?: number; column?: number } | undefined;
    const at = mark?.line === undefined ? '' : `line ${mark.line + 1}, column ${(mark.column ?? 0) + 1}: `;
    throw new YamlSyntaxError(`${where}: ${at}${err.reason}`);
  }
  const out: SourcedObject[] = [];
  for (const [index, value] of docs.entries()) {
    if (value === null || value === undefined) continue;
    if (!isPlainObject(value)) throw new YamlSyntaxError(`${where}: document ${index + 1}: must be a mapping (a Kubernetes object)`);
    const items = typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items) ? (value.items as unknown[]) : [value];
    for (const item of items) {
      if (!isPlainObject(item)) throw new YamlSyntaxError(`${where}: document ${index + 1}: list items must be objects`);
      out.push({ object: item, origin: { ...origin, document: index } });
    }
  }
  return out;
}
