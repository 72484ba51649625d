/** Time, injected so tests can control it and the data plane reads it in one place. */
export interface Clock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  /** A monotonic reading in milliseconds, for durations. */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};
