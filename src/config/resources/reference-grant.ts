import { FieldReader } from './field-reader.js';
import type { ObjectMeta } from './kube-object.js';
import { readMetadata } from './metadata.js';

export interface ReferenceGrantResource {
  kind: 'ReferenceGrant';
  meta: ObjectMeta;
  from: readonly { group: string; kind: string; namespace: string }[];
  to: readonly { group: string; kind: string; name: string | undefined }[];
}

export function readReferenceGrant(root: FieldReader): ReferenceGrantResource {
  const meta = readMetadata(root);
  const spec = root.object('spec');
  const from = spec.array('from', { min: 1, max: 16 }).map((item) => {
    const f = new FieldReader(item.value, item.path, root.errors);
    return { group: f.optionalString('group') ?? '', kind: f.string('kind', { minLength: 1 }) ?? '', namespace: f.string('namespace', { minLength: 1 }) ?? '' };
  });
  const to = spec.array('to', { min: 1, max: 16 }).map((item) => {
    const t = new FieldReader(item.value, item.path, root.errors);
    return { group: t.optionalString('group') ?? '', kind: t.string('kind', { minLength: 1 }) ?? '', name: t.optionalString('name', { minLength: 1 }) };
  });
  return { kind: 'ReferenceGrant', meta, from, to };
}

/**
 * Whether a reference from `from` (a kind in a namespace) to `to` (a kind and name in another
 * namespace) is allowed by a ReferenceGrant in the target's namespace (Gateway API).
 */
export function referenceAllowed(
  grants: readonly ReferenceGrantResource[],
  from: { group: string; kind: string; namespace: string },
  to: { group: string; kind: string; namespace: string; name: string },
): boolean {
  if (from.namespace === to.namespace) return true;
  return grants.some(
    (g) =>
      g.meta.namespace === to.namespace &&
      g.from.some((f) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace) &&
      g.to.some((t) => t.group === to.group && t.kind === to.kind && (t.name === undefined || t.name === to.name)),
  );
}
