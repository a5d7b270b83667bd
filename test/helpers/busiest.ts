/** The most instants any sliding window of `lengthMs` holds: how a test checks a per-minute quota was kept. */
export function busiest(times: readonly number[], lengthMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= lengthMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}
