import { describe, expect, it } from 'vitest';
import { parsePromText, samplesOf } from './prom-text.js';

describe('the Prometheus text format', () => {
  it('reads samples with labels, escapes, timestamps and special values; skips comments', () => {
    const text = [
      '# HELP http_requests_total The total number of HTTP requests.',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      'http_requests_total{method="post",code="400"}    3 1395066363000',
      'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
      'metric_without_timestamp_and_labels 12.47',
      'something_weird{problem="division by zero"} +Inf -3982045',
      'rpc_duration_seconds{quantile="0.5",} 4773',
      '',
      'not a sample line',
    ].join('\n');
    const s = parsePromText(text);
    expect(samplesOf(s, 'http_requests_total').map((x) => x.value)).toEqual([1027, 3]);
    expect(samplesOf(s, 'http_requests_total', { code: '400' })).toEqual([{ name: 'http_requests_total', labels: { method: 'post', code: '400' }, value: 3 }]);
    expect(samplesOf(s, 'msdos_file_access_time_seconds')[0]!.labels).toEqual({ path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' });
    expect(samplesOf(s, 'metric_without_timestamp_and_labels')[0]!.value).toBe(12.47);
    expect(samplesOf(s, 'something_weird')[0]!.value).toBe(Infinity);
    expect(samplesOf(s, 'rpc_duration_seconds', { quantile: '0.5' })[0]!.value).toBe(4773);
    expect(s.some((x) => x.name === 'not')).toBe(false);
  });
});
