/**
 * The metrics touched on every request: plain numbers in a Map (one lookup per update),
 * rendered in the Prometheus text format at scrape time. prom-client hashes the label set on
 * every update, which measured at a few percent of the gateway's CPU per request; it still
 * serves the process and config metrics.
 */

const DURATION_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

interface CounterSeries {
  labels: string;
  value: number;
}

export class LabeledCounter {
  private readonly series = new Map<string, CounterSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
  ) {}

  inc(labelValues: readonly string[], delta = 1): void {
    const key = labelValues.join('\u0000');
    let s = this.series.get(key);
    if (s === undefined) {
      s = { labels: formatLabels(this.labelNames, labelValues), value: 0 };
      this.series.set(key, s);
    }
    s.value += delta;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const s of this.series.values()) lines.push(`${this.name}{${s.labels}} ${s.value}`);
    return `${lines.join('\n')}\n`;
  }
}

interface HistogramSeries {
  labels: string;
  count: number;
  sum: number;
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  buckets: Float64Array;
}

export class LabeledHistogram {
  private readonly series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    private readonly bounds: readonly number[] = DURATION_BUCKETS,
  ) {}

  observe(labelValues: readonly string[], value: number): void {
    const key = labelValues.join('\u0000');
    let s = this.series.get(key);
    if (s === undefined) {
      s = { labels: formatLabels(this.labelNames, labelValues), count: 0, sum: 0, buckets: new Float64Array(this.bounds.length + 1) };
      this.series.set(key, s);
    }
    s.count++;
    s.sum += value;
    let i = 0;
    while (i < this.bounds.length && value > (this.bounds[i] as number)) i++;
    s.buckets[i] = (s.buckets[i] ?? 0) + 1;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (const [i, le] of [...this.bounds, '+Inf'].entries()) {
        cumulative += s.buckets[i] ?? 0;
        lines.push(`${this.name}_bucket{${s.labels},le="${le}"} ${cumulative}`);
      }
      lines.push(`${this.name}_sum{${s.labels}} ${s.sum}`, `${this.name}_count{${s.labels}} ${s.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

function formatLabels(names: readonly string[], values: readonly string[]): string {
  return names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`).join(',');
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
