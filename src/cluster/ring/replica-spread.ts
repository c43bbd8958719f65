// Riak's target_n_val idea: any TARGET_N consecutive partitions should have distinct owners, so a
// preference list (owner + next distinct owners clockwise) spans few partitions and consecutive
// partitions do not share all their replicas. Counting the windows that break it.

import type { NodeId } from '../runtime.js';

/** Consecutive partitions whose owners the claim keeps distinct where it can. */
export const TARGET_N = 4;

/** The window the claim can honour with `owners` distinct nodes (a window cannot exceed them). */
export function effectiveTargetN(owners: number, targetN: number = TARGET_N): number {
  return Math.max(1, Math.min(targetN, owners));
}

/** True when the window of `width` partitions starting at `start` (clockwise) repeats an owner. */
export function windowRepeats(owners: readonly NodeId[], start: number, width: number): boolean {
  const q = owners.length;
  for (let i = 0; i < width; i++) {
    const a = owners[(start + i) % q];
    for (let j = i + 1; j < width; j++) if (owners[(start + j) % q] === a) return true;
  }
  return false;
}

/**
 * Windows of `width` consecutive partitions (one starting at each partition, wrapping) that repeat
 * an owner. 0 is a perfect spread; the width defaults to what the owner count allows.
 */
export function targetNViolations(owners: readonly NodeId[], width?: number): number {
  const q = owners.length;
  const w = Math.min(width ?? effectiveTargetN(new Set(owners).size), q);
  // nearest[j]: distance back to the closest earlier partition with the same owner (w if ≥ w);
  // the window starting at s repeats iff some j inside it has nearest[j] ≤ j - s.
  const nearest = new Int32Array(q);
  for (let j = 0; j < q; j++) {
    nearest[j] = w;
    for (let d = 1; d < w; d++) {
      if (owners[(j - d + q) % q] === owners[j]) {
        nearest[j] = d;
        break;
      }
    }
  }
  let violations = 0;
  for (let s = 0; s < q; s++) {
    for (let i = 1; i < w; i++) {
      if (nearest[(s + i) % q]! <= i) {
        violations++;
        break;
      }
    }
  }
  return violations;
}
