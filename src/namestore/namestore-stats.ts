// The namestore's counters on one node — registrations, contention retries, honest failures — and
// the latency of its recent operations, for eon_nodes and GET /v1/cluster.

/** Latency percentiles are over the most recent this-many operations. */
export const LATENCY_SAMPLES_MAX = 1_024;
/** registrationsPerSecond averages over this window. */
export const RATE_WINDOW_MS = 10_000;
/** The rate window is kept as this many buckets. */
export const RATE_BUCKETS = 10;

if (RATE_WINDOW_MS % RATE_BUCKETS !== 0) throw new Error('namestore stats: the rate window must split into whole buckets');
const BUCKET_MS = RATE_WINDOW_MS / RATE_BUCKETS;

export type NameOperation = 'register' | 'check' | 'release';
export type NameFailure = 'unavailable' | 'indeterminate' | 'contended';

export interface NamestoreStatsSnapshot {
  /** Register calls answered, whatever the answer. */
  readonly registrations: number;
  /** Register calls that took the name (idempotent replays of an earlier success included). */
  readonly registered: number;
  readonly alreadyTaken: number;
  readonly checks: number;
  readonly releases: number;
  /** Compare-and-sets refused because the name moved under them, each followed by another attempt. */
  readonly contentionRetries: number;
  readonly unavailable: number;
  readonly indeterminate: number;
  readonly contended: number;
  /** Register calls answered per second over the last RATE_WINDOW_MS. */
  readonly registrationsPerSecond: number;
  /** Over the last LATENCY_SAMPLES_MAX operations of every kind; null before the first. */
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
}

export class NamestoreStats {
  private registrations = 0;
  private registered = 0;
  private alreadyTaken = 0;
  private checks = 0;
  private releases = 0;
  private contentionRetries = 0;
  private readonly failures: Record<NameFailure, number> = { unavailable: 0, indeterminate: 0, contended: 0 };
  private readonly samples = new Float64Array(LATENCY_SAMPLES_MAX);
  private sampleCount = 0;
  private readonly buckets = new Float64Array(RATE_BUCKETS);
  private bucketStart = 0;

  constructor(private readonly now: () => number) {}

  contentionRetry(): void {
    this.contentionRetries++;
  }

  /** One operation answered: its kind, what it found, and when it started. */
  answered(op: NameOperation, result: 'registered' | 'taken' | 'ok' | NameFailure, startedMs: number): void {
    const now = this.now();
    this.samples[this.sampleCount++ % LATENCY_SAMPLES_MAX] = Math.max(0, now - startedMs);
    switch (op) {
      case 'register':
        this.registrations++;
        this.countRate(now);
        if (result === 'registered') this.registered++;
        else if (result === 'taken') this.alreadyTaken++;
        break;
      case 'check':
        this.checks++;
        break;
      case 'release':
        this.releases++;
        break;
      default: {
        const never: never = op;
        throw new Error(`unknown name operation ${String(never)}`);
      }
    }
    if (result === 'unavailable' || result === 'indeterminate' || result === 'contended') this.failures[result]++;
  }

  snapshot(): NamestoreStatsSnapshot {
    const now = this.now();
    this.advance(now);
    let inWindow = 0;
    for (const n of this.buckets) inWindow += n;
    const count = Math.min(this.sampleCount, LATENCY_SAMPLES_MAX);
    const sorted = Array.from(this.samples.subarray(0, count)).sort((a, b) => a - b);
    const pct = (p: number): number | null => (count === 0 ? null : sorted[Math.min(count - 1, Math.floor(p * count))]!);
    return {
      registrations: this.registrations,
      registered: this.registered,
      alreadyTaken: this.alreadyTaken,
      checks: this.checks,
      releases: this.releases,
      contentionRetries: this.contentionRetries,
      unavailable: this.failures.unavailable,
      indeterminate: this.failures.indeterminate,
      contended: this.failures.contended,
      registrationsPerSecond: Math.round((inWindow * 1_000 * 100) / RATE_WINDOW_MS) / 100,
      latencyP50Ms: pct(0.5),
      latencyP99Ms: pct(0.99),
    };
  }

  private countRate(now: number): void {
    this.advance(now);
    this.buckets[RATE_BUCKETS - 1] = (this.buckets[RATE_BUCKETS - 1] ?? 0) + 1;
  }

  /** Shifts the buckets so the last one covers now. */
  private advance(now: number): void {
    if (this.bucketStart === 0) this.bucketStart = now - (now % BUCKET_MS);
    const steps = Math.floor((now - this.bucketStart) / BUCKET_MS);
    if (steps <= 0) return;
    if (steps >= RATE_BUCKETS) this.buckets.fill(0);
    else {
      this.buckets.copyWithin(0, steps);
      this.buckets.fill(0, RATE_BUCKETS - steps);
    }
    this.bucketStart += steps * BUCKET_MS;
  }
}
