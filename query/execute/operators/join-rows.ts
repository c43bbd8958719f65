// What every join operator does with one left row and the right rows it may match: the rules of
// inner, outer, semi and anti joins with a residual condition, shared by the hash join (candidates
// from its hash table) and the nested-loop join (every right row).

import type { Value } from '../../../src/types/index.js';
import type { JoinType, Plan } from '../../plan/logical.js';
import { compilePredicate } from '../compile-expr.js';
import type { ExecContext } from '../context.js';
import type { Row } from './operator.js';

export class JoinRows {
  readonly lw: number;
  readonly rw: number;
  readonly residual: ((row: Row, ctx: ExecContext) => boolean) | null;
  readonly semi: boolean;
  readonly anti: boolean;
  /** LEFT and FULL keep unmatched left rows, NULL-extended. */
  readonly keepLeft: boolean;
  /** RIGHT and FULL keep unmatched right rows, NULL-extended, after the left side ends. */
  readonly keepRight: boolean;
  private readonly rightNulls: Value[];
  private readonly leftNulls: Value[];

  constructor(plan: Plan & { kind: 'join' }) {
    const t: JoinType = plan.joinType;
    this.lw = plan.left.columns.length;
    this.rw = plan.right.columns.length;
    this.residual = plan.residual === null ? null : compilePredicate(plan.residual);
    this.semi = t === 'semi';
    this.anti = t === 'anti';
    this.keepLeft = t === 'left' || t === 'full';
    this.keepRight = t === 'right' || t === 'full';
    this.rightNulls = new Array(this.rw).fill(null);
    this.leftNulls = new Array(this.lw).fill(null);
  }

  /**
   * A joined row copied cell by cell into an array of its final size (Array.prototype.concat is
   * several times slower, and joins make one per match).
   */
  joined(l: Row, r: Row): Row {
    const lw = this.lw;
    const rw = this.rw;
    const out: Row = new Array(lw + rw);
    for (let k = 0; k < lw; k++) out[k] = l[k]!;
    for (let k = 0; k < rw; k++) out[lw + k] = r[k]!;
    return out;
  }

  /**
   * Joins left row `l` with its candidate right rows (indexes into `right`; undefined: none),
   * pushing output rows to `out` and marking matched right rows in `rightMatched`.
   */
  probe(l: Row, candidates: readonly number[] | undefined, right: readonly Row[], rightMatched: Uint8Array | null, out: Row[], ctx: ExecContext): void {
    const residual = this.residual;
    let matched = false;
    if (this.semi || this.anti) {
      // Semi and anti joins emit a left row once, by whether any right row matches it.
      if (candidates !== undefined) {
        for (const j of candidates) {
          if (residual === null || residual(this.joined(l, right[j]!), ctx)) {
            matched = true;
            break;
          }
        }
      }
      if (matched === this.semi) out.push(l);
      return;
    }
    if (candidates !== undefined) {
      for (const j of candidates) {
        const combined = this.joined(l, right[j]!);
        if (residual !== null && !residual(combined, ctx)) continue;
        matched = true;
        if (rightMatched !== null) rightMatched[j] = 1;
        out.push(combined);
      }
    }
    if (!matched && this.keepLeft) out.push(this.joined(l, this.rightNulls));
  }

  /** The right rows no left row matched, NULL-extended on the left (RIGHT and FULL joins). */
  unmatchedRight(right: readonly Row[], rightMatched: Uint8Array): Row[] {
    const out: Row[] = [];
    for (let j = 0; j < right.length; j++) if (rightMatched[j] === 0) out.push(this.joined(this.leftNulls, right[j]!));
    return out;
  }
}
