import type { SourcedObject } from '../resources/kube-object.js';

/** Kinds whose last one leaving a file is a red flag: without them nothing is served. */
const ESSENTIAL_KINDS = ['Gateway', 'HTTPRoute'] as const;

/**
 * What an edit of one file lost that is rarely meant: everything it held, or every Gateway or
 * HTTPRoute it held. A file caught mid-write (truncated, half written, cut between documents)
 * looks exactly like this, so such an edit waits to be confirmed. Undefined when the edit looks
 * deliberate.
 */
export function brokenEditLoss(before: readonly SourcedObject[], after: readonly SourcedObject[]): string | undefined {
  if (before.length > 0 && after.length === 0) return 'every resource';
  const lost = ESSENTIAL_KINDS.filter((kind) => countKind(before, kind) > 0 && countKind(after, kind) === 0);
  return lost.length === 0 ? undefined : lost.map((kind) => `every ${kind}`).join(' and ');
}

function countKind(objects: readonly SourcedObject[], kind: string): number {
  return objects.filter((o) => o.object.kind === kind).length;
}
