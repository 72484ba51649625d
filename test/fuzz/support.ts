import type { Parameters } from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Shared settings of the fuzz suite (see README.md beside this file).
//
//   FUZZ_RUNS=<n>     every property runs n times instead of its default count
//   FUZZ_SEED=<n>     the seed (default: a fixed one, so that a run is the same every time);
//                     FUZZ_SEED=random picks a new one, which fast-check prints on failure
//   FUZZ_PATH=<path>  with FUZZ_SEED, replays the failing case fast-check reported

const DEFAULT_SEED = 0x5eed_f022;

function envNumber(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, not ${JSON.stringify(text)}`);
  return value;
}

function seed(): number {
  if (process.env.FUZZ_SEED === 'random') return (Date.now() ^ (Math.random() * 0x7fff_ffff)) | 0;
  return envNumber('FUZZ_SEED') ?? DEFAULT_SEED;
}

/**
 * The number of runs of a property: its default, or FUZZ_RUNS. `most` caps the properties
 * whose every run is heavy (megabytes pushed through a parser): more runs of those would only
 * repeat the same few shapes, slowly.
 */
export function runs(defaultRuns: number, most = Number.POSITIVE_INFINITY): number {
  return Math.min(envNumber('FUZZ_RUNS') ?? defaultRuns, Math.max(defaultRuns, most));
}

/** fast-check's parameters for a property whose default number of runs is `defaultRuns` (at most `most`). */
export function params<T = unknown>(defaultRuns: number, most?: number): Parameters<T> {
  const path = process.env.FUZZ_PATH;
  return { numRuns: runs(defaultRuns, most), seed: seed(), ...(path !== undefined && path !== '' ? { path } : {}) };
}

/** The same seed, for generators sampled outside a property (fc.sample). */
export function sampleSeed(): number {
  return seed();
}

function isCallable(value: unknown): value is () => void {
  return typeof value === 'function';
}

let collector: (() => void) | undefined;

/** A full garbage collection, so that the heap holds only what is still referenced. */
export function collectGarbage(): void {
  if (collector === undefined) {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (!isCallable(gc)) throw new Error('no gc() to call');
    collector = gc;
  }
  collector();
  collector();
}

/** The memory in use after a full collection, in bytes: the JS heap, and the buffers outside it. */
export function liveHeap(): number {
  collectGarbage();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

export const MiB = 1024 * 1024;

/** Milliseconds `fn` took. */
export function timed(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}
