import type { Clock } from '../core/clock.js';

export interface HealthOptions {
  /** Failures in a row that eject a provider. */
  ejectAfter: number;
  /** The first ejection; each one after it doubles, up to `maxEjectMs`. */
  baseEjectMs: number;
  maxEjectMs: number;
  /** The longest a provider's own `retry-after` keeps it out. */
  retryAfterCapMs: number;
}

export const DEFAULT_HEALTH: HealthOptions = { ejectAfter: 3, baseEjectMs: 5_000, maxEjectMs: 30_000, retryAfterCapMs: 300_000 };

interface State {
  /** Failures since the last success. */
  failures: number;
  /** Ejections since the last success: the next lasts base × 2^(n), capped. */
  ejections: number;
  /** Monotonic time until which the provider is skipped. */
  until: number;
}

/**
 * Each provider's health in this gateway process, by its health key (upstream, path, model and
 * credential), shared by every Backend and route that names the same provider and kept across
 * config reloads; and where each priority level's round robin stands. A provider that keeps failing is ejected for a while; one that asks for time
 * with `retry-after` gets it (capped). When the time is up it is tried again: one success brings
 * it fully back, one failure ejects it again for twice as long (up to the cap), so traffic
 * returns to a recovered provider within the cap.
 */
export class ProviderHealth {
  private readonly states = new Map<string, State>();
  private readonly turns = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly options: HealthOptions = DEFAULT_HEALTH,
  ) {}

  /** The next turn of a round robin (a priority level's, by its key): 0, 1, 2, … */
  nextTurn(key: string): number {
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, turn + 1 === Number.MAX_SAFE_INTEGER ? 0 : turn + 1);
    return turn;
  }

  /** Whether the provider may be tried now. */
  available(key: string): boolean {
    const state = this.states.get(key);
    return state === undefined || state.until <= this.clock.monotonic();
  }

  /** Milliseconds until the provider may be tried again (0 when it may now). */
  waitMs(key: string): number {
    const state = this.states.get(key);
    return state === undefined ? 0 : Math.max(0, state.until - this.clock.monotonic());
  }

  succeeded(key: string): void {
    this.states.delete(key);
  }

  /** A failure; `retryAfterMs` is the provider's own request to wait (a 429 or 503 `retry-after`). */
  failed(key: string, retryAfterMs?: number): void {
    const state = this.states.get(key) ?? { failures: 0, ejections: 0, until: 0 };
    const now = this.clock.monotonic();
    if (retryAfterMs !== undefined && retryAfterMs > 0) {
      state.failures++;
      state.until = Math.max(state.until, now + Math.min(retryAfterMs, this.options.retryAfterCapMs));
      this.states.set(key, state);
      return;
    }
    // Requests sent before it was taken out, failing now, say nothing new: it stays out as long
    // as it was put out for (it doubles only when it fails again on its return).
    if (state.until > now) return;
    state.failures++;
    if (state.failures >= this.options.ejectAfter) {
      state.until = now + Math.min(this.options.baseEjectMs * 2 ** state.ejections, this.options.maxEjectMs);
      state.ejections++;
    }
    this.states.set(key, state);
  }
}

/** A `retry-after` header (seconds, or an HTTP date) in milliseconds from `now`, if it says anything usable. */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
