import { parseAllDocuments } from 'yaml';
import { isPlainObject } from '../resources/field-reader.js';
import type { Origin, SourcedObject } from '../resources/kube-object.js';

/** A file (or applied text) that is not valid YAML: nothing from it is used. */
export class YamlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlSyntaxError';
  }
}

/**
 * Multi-document YAML (or JSON) to objects, one per document; empty documents are skipped and
 * `kind: List` is expanded as kubectl does.
 */
export function parseManifests(text: string, origin: Omit<Origin, 'document'>): SourcedObject[] {
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const out: SourcedObject[] = [];
  for (const [index, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    const where = origin.path ?? origin.source;
    const error = doc.errors[0];
    if (error !== undefined) throw new YamlSyntaxError(`${where}: document ${index + 1}: ${error.message.split('\n')[0] ?? ''}`);
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
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
