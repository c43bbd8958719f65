// Pipeline step order: probes that keep fewer fact rows go first, filters as soon as they can,
// and no step moves before the probe of a build side whose values it reads.
import { describe, expect, it } from 'vitest';
import { T } from '../../../src/types/index.js';
import type { Expr } from '../../../query/plan/expr.js';
import { orderSteps, type JoinPipeline, type PipelineStep } from '../../../query/distribute/join-pipeline.js';

const col = (index: number): Expr => ({ kind: 'column', type: T.int4, index, name: `c${index}` });
const probe = (build: number, key: Expr, joinType: 'inner' | 'semi' | 'anti' = 'inner'): PipelineStep => ({ kind: 'probe', build, joinType, probeKeys: [key], residual: null });
const isNull = (e: Expr): Expr => ({ kind: 'is_null', type: T.bool, arg: e, negate: true });

/** Fact columns 0..3; build values: 4 = value 0 of build 0, 5 = value 0 of build 1. */
function pipeline(steps: PipelineStep[]): JoinPipeline {
  return {
    factWidth: 4,
    values: [{ build: 0, value: 0, type: T.int4 }, { build: 1, value: 0, type: T.int4 }],
    steps,
  } as unknown as JoinPipeline;
}

describe('orderSteps', () => {
  it('probes the side keeping the fewest rows first, anti probes last', () => {
    const steps = [probe(0, col(0)), probe(1, col(1)), probe(2, col(2), 'anti'), probe(3, col(3))];
    const rates = [0.5, 0.01, 0.2, 0.1];
    const out = orderSteps(pipeline(steps), (b) => rates[b]!).steps.map((s) => (s.kind === 'probe' ? s.build : -1));
    expect(out).toEqual([1, 3, 0, 2]);
  });

  it('keeps a probe keyed by a build value after that build, and moves filters up to where they can run', () => {
    // Build 1 is probed with build 0's value; the filter reads build 1's value.
    const steps: PipelineStep[] = [probe(0, col(0)), probe(1, col(4)), { kind: 'filter', predicate: isNull(col(5)) }, { kind: 'filter', predicate: isNull(col(2)) }];
    const out = orderSteps(pipeline(steps), (b) => (b === 1 ? 0.001 : 0.9)).steps;
    expect(out.map((s) => (s.kind === 'probe' ? `probe${s.build}` : 'filter'))).toEqual(['filter', 'probe0', 'probe1', 'filter']);
    expect(out[0]).toBe(steps[3]);
  });
});
