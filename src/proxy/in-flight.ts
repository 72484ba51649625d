/**
 * Requests whose handling has not finished (their access line not yet written), so that
 * stopping waits for the last line of each request its drain cut off.
 */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  enter(): void {
    this.count++;
  }

  leave(): void {
    if (--this.count > 0) return;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves once no request is in flight, or after `maxMs` at most. */
  idle(maxMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, maxMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
