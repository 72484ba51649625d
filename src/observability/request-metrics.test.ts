import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LabeledCounter, LabeledHistogram } from './request-metrics.js';

test('counters render one series per label set, values escaped', () => {
  const c = new LabeledCounter('x_total', 'help text', ['route', 'status']);
  c.inc(['ns/a', '200']);
  c.inc(['ns/a', '200'], 2);
  c.inc(['say "hi"\\', '500']);
  assert.equal(c.render(), '# HELP x_total help text\n# TYPE x_total counter\nx_total{route="ns/a",status="200"} 3\nx_total{route="say \\"hi\\"\\\\",status="500"} 1\n');
});

test('histograms render cumulative buckets, sum and count', () => {
  const h = new LabeledHistogram('d_seconds', 'h', ['route'], [0.1, 1]);
  for (const v of [0.05, 0.1, 0.5, 3]) h.observe(['r'], v);
  assert.equal(
    h.render(),
    ['# HELP d_seconds h', '# TYPE d_seconds histogram', 'd_seconds_bucket{route="r",le="0.1"} 2', 'd_seconds_bucket{route="r",le="1"} 3', 'd_seconds_bucket{route="r",le="+Inf"} 4', 'd_seconds_sum{route="r"} 3.65', 'd_seconds_count{route="r"} 4', ''].join('\n'),
  );
});
