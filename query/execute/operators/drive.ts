// Running a physical plan: how a parent opens its input (a node whose rows another engine already
// computed — a data-engine fragment, a replica's point read — is read from there), and the
// drivers that pull a whole plan. The async driver is the statement's: it checks cancellation at
// every batch and gives the event loop to other sessions once it has run for EVENT_LOOP_SLICE_MS,
// so a long query no longer holds up another client's point lookup. The sync driver runs plans
// that must finish inside an expression (a correlated subquery, a LATERAL right side).

import { EonError } from '../../../src/errors/index.js';
import type { Plan } from '../../plan/logical.js';
import type { ExecContext } from '../context.js';
import { BATCH_ROWS, Wait, type BatchStream, type PhysicalOperator, type Row } from './operator.js';
import { physicalPlan } from './physical-plan.js';

/** Longest stretch the async driver computes before it lets other work on the event loop run. */
export const EVENT_LOOP_SLICE_MS = 4;

/**
 * Opens an input: its rows when an engine already produced them, the exchange bringing them when
 * an engine produces them as the plan runs, else its own operator.
 */
export function openInput(op: PhysicalOperator, ctx: ExecContext): BatchStream {
  const pre = ctx.prefetched.get(op.plan);
  // Rows computed ahead were measured as they were computed (see query/distribute).
  if (pre !== undefined) return batchesOf(pre);
  const stream = (ctx.sources.get(op.plan) ?? op).run(ctx);
  return ctx.profile === undefined ? stream : profiled(stream, op.plan, ctx);
}

/** Opens the operator of a logical plan (children not yet built are built once and cached). */
export function openPlan(plan: Plan, ctx: ExecContext): BatchStream {
  return openInput(physicalPlan(plan), ctx);
}

/** Rows already in memory, handed on in batches. */
export function* batchesOf(rows: readonly Row[]): BatchStream {
  if (rows.length <= BATCH_ROWS) {
    yield rows as Row[];
    return;
  }
  for (let i = 0; i < rows.length; i += BATCH_ROWS) yield rows.slice(i, i + BATCH_ROWS);
}

/**
 * An input's batches, each turned into output rows by `f` (Waits pass through); output larger
 * than a batch (a join's fan-out) goes up in BATCH_ROWS pieces, so the operators above and the
 * driver's cancel checks keep their pace.
 */
export function* mapBatches(input: BatchStream, f: (batch: Row[]) => Row[]): BatchStream {
  for (const item of input) {
    if (item instanceof Wait) {
      yield item;
      continue;
    }
    const out = f(item);
    if (out.length <= BATCH_ROWS) yield out;
    else yield* batchesOf(out);
  }
}

/** Every row of an input, pulled to the end, yielding as it goes (for operators that must hold their input). */
export function* collectRows(input: BatchStream, into: Row[], ctx: ExecContext, width: number): Generator<Row[] | Wait, void, undefined> {
  for (const item of input) {
    if (item instanceof Wait) {
      yield item;
      continue;
    }
    for (let i = 0; i < item.length; i++) into.push(item[i]!);
    if (item.length > 0) ctx.charge(item.length * Math.max(1, width));
    yield EMPTY;
  }
}

/** The batch an operator yields when it has nothing to pass on yet (it only returns control). */
export const EMPTY: Row[] = [];

/** Runs a plan to the end without awaiting anything (see Wait). */
export function drainSync(plan: Plan, ctx: ExecContext): Row[] {
  const out: Row[] = [];
  const width = Math.max(1, plan.columns.length);
  for (const item of openPlan(plan, ctx)) {
    if (item instanceof Wait) throw new EonError('internal_error', 'a plan run inside an expression waited for a data engine');
    ctx.checkCancel();
    if (item.length === 0) continue;
    for (let i = 0; i < item.length; i++) out.push(item[i]!);
    ctx.charge(item.length * width);
  }
  return out;
}

/**
 * A statement's rows: all of them when the plan finished within its first slice without waiting
 * for an engine (a point lookup, a small result), else a stream that goes on from where the first
 * slice stopped. The first case costs no async generator, no microtask per batch: that overhead
 * was a visible share of a primary-key SELECT's time.
 */
export type StatementRows =
  | { readonly kind: 'rows'; readonly rows: Row[] }
  | { readonly kind: 'stream'; readonly batches: AsyncGenerator<Row[], void, undefined> };

/**
 * Runs a plan's first slice synchronously (see StatementRows). `charge`: whether rows handed out
 * are charged to the statement's memory budget (drainAsync keeps them all; a protocol writing
 * them out keeps none).
 */
export function runStatement(plan: Plan, ctx: ExecContext, charge = true): StatementRows {
  const width = Math.max(1, plan.columns.length);
  const sliceStart = performance.now();
  const stream = openPlan(plan, ctx);
  const head: Row[] = [];
  try {
    for (;;) {
      const next = stream.next();
      if (next.done === true) {
        stream.return(undefined);
        return { kind: 'rows', rows: head };
      }
      const item = next.value;
      if (item instanceof Wait) return { kind: 'stream', batches: continueStream(stream, ctx, width, charge, head, item) };
      ctx.checkCancel();
      if (item.length > 0) {
        if (charge) ctx.charge(item.length * width);
        for (let i = 0; i < item.length; i++) head.push(item[i]!);
      }
      if (head.length >= BATCH_ROWS || performance.now() - sliceStart > EVENT_LOOP_SLICE_MS) {
        return { kind: 'stream', batches: continueStream(stream, ctx, width, charge, head, null) };
      }
    }
  } catch (e) {
    stream.return(undefined);
    throw e;
  }
}

/** The statement's driver: runs a plan to the end, sharing the event loop, and returns its rows. */
export async function drainAsync(plan: Plan, ctx: ExecContext): Promise<Row[]> {
  const first = runStatement(plan, ctx);
  if (first.kind === 'rows') return first.rows;
  const out: Row[] = [];
  for await (const batch of first.batches) for (let i = 0; i < batch.length; i++) out.push(batch[i]!);
  return out;
}

/**
 * The rest of a statement after its first slice: the rows that slice produced, then the plan's
 * batches as they come, awaiting engines' Waits and giving the event loop away every
 * EVENT_LOOP_SLICE_MS.
 */
async function* continueStream(stream: BatchStream, ctx: ExecContext, width: number, charge: boolean, head: Row[], pending: Wait | null): AsyncGenerator<Row[], void, undefined> {
  try {
    if (head.length > 0) {
      yield head;
      ctx.resumeTimeZone();
    }
    if (pending !== null) {
      await pending.until;
      ctx.resumeTimeZone();
    } else {
      await new Promise<void>((resolve) => setImmediate(resolve));
      ctx.resumeTimeZone();
      ctx.checkCancel();
    }
    let sliceStart = performance.now();
    for (;;) {
      const next = stream.next();
      if (next.done === true) return;
      const item = next.value;
      if (item instanceof Wait) {
        await item.until;
        ctx.resumeTimeZone();
        sliceStart = performance.now();
        continue;
      }
      ctx.checkCancel();
      if (item.length > 0) {
        if (charge) ctx.charge(item.length * width);
        yield item;
        ctx.resumeTimeZone();
      }
      if (performance.now() - sliceStart > EVENT_LOOP_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        ctx.resumeTimeZone();
        ctx.checkCancel();
        sliceStart = performance.now();
      }
    }
  } finally {
    stream.return(undefined);
  }
}

/** EXPLAIN ANALYZE's view of one operator run: rows out, and time spent inside it and its inputs. */
function* profiled(stream: BatchStream, plan: Plan, ctx: ExecContext): BatchStream {
  let rows = 0;
  let ms = 0;
  try {
    for (;;) {
      const started = performance.now();
      const next = stream.next();
      ms += performance.now() - started;
      if (next.done === true) return;
      if (!(next.value instanceof Wait)) rows += next.value.length;
      yield next.value;
    }
  } finally {
    stream.return(undefined);
    ctx.profile!.record(plan, rows, ms);
  }
}
