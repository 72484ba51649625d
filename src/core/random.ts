import { randomUUID } from 'node:crypto';

/** Randomness, injected so that weighted picks, sampling and ids can be fixed in tests. */
export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** A fresh unique id (a UUID). */
  id(): string;
}

export const systemRandom: Random = {
  next: () => Math.random(),
  id: () => randomUUID(),
};
