/** Counts of what each kind of request got, client side. */
import type { Outcome } from './client.js';

export interface KindCounts {
  expected: number;
  unexpected: number;
  /** By outcome detail (`200`, `503 providers_unavailable`, `aborted`, …). */
  outcomes: Record<string, number>;
}

/** Enough examples of unexpected outcomes to see what went wrong, not a log of every one. */
const KEEP_EXAMPLES = 20;

export class Tally {
  readonly kinds = new Map<string, KindCounts>();
  readonly examples: { kind: string; detail: string; why: string }[] = [];

  record(kind: string, outcome: Outcome): void {
    let counts = this.kinds.get(kind);
    if (counts === undefined) {
      counts = { expected: 0, unexpected: 0, outcomes: {} };
      this.kinds.set(kind, counts);
    }
    if (outcome.ok) counts.expected++;
    else counts.unexpected++;
    counts.outcomes[outcome.detail] = (counts.outcomes[outcome.detail] ?? 0) + 1;
    if (!outcome.ok && this.examples.length < KEEP_EXAMPLES) this.examples.push({ kind, detail: outcome.detail, why: outcome.why ?? '' });
  }

  /** Runs one step of a kind and records how it ended; a throw is an unexpected outcome too. */
  async run(kind: string, step: () => Promise<Outcome>): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await step();
    } catch (err) {
      outcome = { ok: false, detail: `threw ${errorName(err)}`, why: err instanceof Error ? `${err.message}${causeOf(err)}` : String(err) };
    }
    this.record(kind, outcome);
  }

  total(): { requests: number; unexpected: number } {
    let requests = 0;
    let unexpected = 0;
    for (const c of this.kinds.values()) {
      requests += c.expected + c.unexpected;
      unexpected += c.unexpected;
    }
    return { requests, unexpected };
  }

  toJSON(): Record<string, KindCounts> {
    return Object.fromEntries([...this.kinds].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** `UND_ERR_SOCKET`, `ECONNREFUSED`, `TimeoutError`: short enough to group by. */
function errorName(err: unknown): string {
  if (!(err instanceof Error)) return 'non-error';
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : err.name;
}

function causeOf(err: Error): string {
  return err.cause instanceof Error ? ` (cause: ${err.cause.message})` : '';
}
