/** A growable array of latency samples, in ms, with percentiles. */
export class Samples {
  #values = new Float64Array(1024);
  #length = 0;
  /** Most samples kept; later ones are dropped (the count still grows). */
  readonly #cap: number;
  count = 0;

  constructor(cap = 4_000_000) {
    this.#cap = cap;
  }

  add(value: number): void {
    this.count += 1;
    if (this.#length >= this.#cap) return;
    if (this.#length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#length++] = value;
  }

  summary(): LatencySummary {
    return summarize(this.#values.subarray(0, this.#length));
  }
}

export interface LatencySummary {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function summarize(values: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { n: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  let sum = 0;
  for (const v of sorted) sum += v;
  // Nearest-rank percentiles.
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
  const r = (v: number) => Math.round(v * 100) / 100;
  return {
    n,
    mean: r(sum / n),
    p50: r(at(0.5)),
    p90: r(at(0.9)),
    p99: r(at(0.99)),
    max: r(sorted[n - 1]!),
  };
}

/** Wall-clock now in epoch ms with sub-millisecond resolution (same clock as `Date.now`). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
