// Bound expressions → JavaScript source for data-engine kernels: tight loops over a batch's typed
// arrays. Constants and parameters never enter the source; they travel in `args`.
// Returns null for anything a kernel cannot compute exactly; the coordinator then runs it.

import { Numeric, dateField, type ColumnType, type Value } from '../../src/types/index.js';
import { physicalOf } from '../../storage/index.js';
import type { Expr } from '../plan/expr.js';
import { likeRegexSource } from '../../src/types/like-pattern.js';

/** A compiled fragment of source: `code` evaluates to the value, `nullCode` to true when NULL. */
export interface KernelValue {
  readonly code: string;
  /** JS boolean expression, true when the value is NULL ('false' when it never is). */
  readonly nullCode: string;
  /** How values are represented: plain numbers, bigints, dictionary strings, or booleans. */
  readonly rep: 'num' | 'big' | 'str' | 'bool';
  /** For scaled numerics: the decimal scale of the number (value × 10^scale). */
  readonly scale: number;
  /**
   * For a numeric whose own scale varies by row (CASE branches of different scales): source
   * evaluating to the row's scale. `code` is still at `scale`, the largest; PostgreSQL shows a sum
   * at the largest scale among the values it added, so aggregates keep that per group.
   */
  readonly scaleCode?: string;
}

/** IN lists up to this long are scanned in kernels; longer ones are hashed. */
const IN_LIST_SCAN_MAX = 8;

/** Largest decimal scale kernels compute with (10^15 still fits a double's integers). */
export const NUMERIC_SCALE_MAX = 15;

const JS_COMPARISONS: Record<string, string> = { '=': '===', '<>': '!==', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
/** Kinds whose kernel values are integers (numerics as coefficients): see scaledComparison. */
const INTEGRAL_KINDS = new Set(['int2', 'int4', 'numeric', 'date']);
/** k op x as x op' k. */
const FLIPPED_COMPARISONS: Record<string, string> = { '===': '===', '!==': '!==', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

export class KernelBuilder {
  /** Table column ordinals the kernel reads, in batch order. */
  readonly columns: number[] = [];
  readonly args: unknown[] = [];
  /** Per-batch setup lines (column array bindings, dictionary lookups). */
  readonly setup: string[] = [];
  private readonly columnTypes: readonly ColumnType[];
  private readonly params: readonly Value[];
  /**
   * The kernel function that checks a numeric intermediate stays exact (|x| ≤ EXACT_INTEGER_MAX)
   * and flags the result otherwise; without one, numeric arithmetic stays on the coordinator.
   */
  private readonly exactnessGuard: string | null;
  /** Values of columns past the batch's table columns (a join's build sides), or null if unknown. */
  private readonly extraColumn: ((index: number) => KernelValue | null) | null;
  /** An uncorrelated scalar subquery's value, known before the kernel runs (undefined: not known). */
  private readonly subqueryValue: ((e: Expr & { kind: 'subquery' }) => Value | undefined) | null;

  constructor(
    columnTypes: readonly ColumnType[],
    params: readonly Value[],
    options: {
      exactnessGuard?: string;
      extraColumn?: (index: number) => KernelValue | null;
      subqueryValue?: ((e: Expr & { kind: 'subquery' }) => Value | undefined) | undefined;
    } = {},
  ) {
    this.columnTypes = columnTypes;
    this.params = params;
    this.exactnessGuard = options.exactnessGuard ?? null;
    this.extraColumn = options.extraColumn ?? null;
    this.subqueryValue = options.subqueryValue ?? null;
  }

  /** True when column `index` is a column of the scanned batches (not an extra column). */
  isBatchColumn(index: number): boolean {
    return index < this.columnTypes.length;
  }

  /** Batch slot of a table column, binding `v<slot>`/`n<slot>`(/`d<slot>`) in the batch setup. */
  column(ordinal: number): number {
    let slot = this.columns.indexOf(ordinal);
    if (slot < 0) {
      slot = this.columns.push(ordinal) - 1;
      this.setup.push(`const v${slot} = b.columns[${slot}].values, n${slot} = b.columns[${slot}].validity, d${slot} = b.columns[${slot}].dictionary, nn${slot} = n${slot} === null;`);
    }
    return slot;
  }

  arg(v: unknown): string {
    this.args.push(v);
    return `a${this.args.length - 1}`;
  }

  /** Binds every argument to a local once per task (`a<n>`), not per row. Call after the last arg(). */
  argBindings(): string {
    return this.args.length === 0 ? '' : `const ${this.args.map((_, i) => `a${i} = args[${i}]`).join(', ')};`;
  }

  value(e: Expr): KernelValue | null {
    switch (e.kind) {
      case 'column': {
        if (!this.isBatchColumn(e.index)) return this.extraColumn === null ? null : this.extraColumn(e.index);
        const t = this.columnTypes[e.index]!;
        // json/jsonb are stored as text, but neither compares nor groups as its text does.
        if (t.kind === 'json' || t.kind === 'jsonb') return null;
        const phys = physicalOf(t);
        const s = this.column(e.index);
        const nullCode = `(!nn${s} && ((n${s}[i >> 3] >> (i & 7)) & 1) === 0)`;
        switch (phys) {
          case 'i16':
          case 'i32':
          case 'f32':
          case 'f64':
            return { code: `v${s}[i]`, nullCode, rep: 'num', scale: 0 };
          case 'scaled':
            return { code: `v${s}[i]`, nullCode, rep: 'num', scale: t.scale ?? 0 };
          case 'i64':
            return { code: `v${s}[i]`, nullCode, rep: 'big', scale: 0 };
          case 'u8':
            return { code: `(v${s}[i] === 1)`, nullCode, rep: 'bool', scale: 0 };
          case 'dict':
            return { code: `d${s}[v${s}[i]]`, nullCode, rep: 'str', scale: 0 };
          default:
            return null;
        }
      }
      case 'const':
      case 'param': {
        const v = e.kind === 'const' ? e.value : (this.params[e.index] ?? null);
        if (e.type.kind === 'json' || e.type.kind === 'jsonb') return null;
        if (v === null) return { code: 'null', nullCode: 'true', rep: 'num', scale: 0 };
        if (typeof v === 'number') return { code: this.arg(v), nullCode: 'false', rep: 'num', scale: 0 };
        if (typeof v === 'bigint') return { code: this.arg(v), nullCode: 'false', rep: 'big', scale: 0 };
        if (typeof v === 'string') return { code: this.arg(v), nullCode: 'false', rep: 'str', scale: 0 };
        if (typeof v === 'boolean') return { code: this.arg(v), nullCode: 'false', rep: 'bool', scale: 0 };
        if (v instanceof Numeric) {
          // Exact as a double only while the coefficient fits 2^53.
          const c = Number(v.coef);
          if (!Number.isSafeInteger(c)) return null;
          return { code: this.arg(c), nullCode: 'false', rep: 'num', scale: v.scale };
        }
        return null;
      }
      case 'cast': {
        const inner = this.value(e.arg);
        if (inner === null || !isKernelCast(e)) return null;
        if (e.type.kind === 'int8') return inner.rep === 'num' ? { code: `BigInt(${inner.code})`, nullCode: inner.nullCode, rep: 'big', scale: 0 } : null;
        return (inner.rep === 'num' && inner.scale === 0) || inner.rep === 'str' ? inner : null;
      }
      case 'case':
        return this.caseValue(e);
      case 'call':
        return this.callValue(e);
      case 'subquery': {
        // Computed once before the scan, it is a constant to the kernel.
        if (e.correlated || e.mode !== 'scalar' || this.subqueryValue === null) return null;
        const v = this.subqueryValue(e);
        return v === undefined ? null : this.value({ kind: 'const', type: e.type, value: v });
      }
      case 'binary': {
        if (!['+', '-', '*'].includes(e.op)) return null;
        const kind = e.type.kind;
        if (kind === 'numeric') return this.numericArithmetic(e);
        if (kind !== 'float8') return null;
        const l = this.value(e.left);
        const r = this.value(e.right);
        if (l === null || r === null || l.rep !== 'num' || r.rep !== 'num' || l.scale !== 0 || r.scale !== 0) return null;
        return { code: `(${l.code} ${e.op} ${r.code})`, nullCode: orNull(l.nullCode, r.nullCode), rep: 'num', scale: 0 };
      }
      default:
        return null;
    }
  }

  /**
   * A predicate as source evaluating to true, false or null (three-valued), or null when it cannot
   * run in a kernel.
   */
  predicate(e: Expr): string | null {
    switch (e.kind) {
      case 'and':
      case 'or': {
        const parts = e.args.map((a) => this.predicate(a));
        if (parts.some((p) => p === null)) return null;
        const fn = e.kind === 'and' ? 'and3' : 'or3';
        return parts.reduce((acc, p) => `${fn}(${acc}, ${p})`);
      }
      case 'not': {
        const p = this.predicate(e.arg);
        return p === null ? null : `not3(${p})`;
      }
      case 'is_null': {
        const v = this.value(e.arg);
        if (v === null) return null;
        return e.negate ? `!(${v.nullCode})` : `(${v.nullCode})`;
      }
      case 'binary': {
        const c = this.comparisonOf(e);
        return c === null ? null : `((${c.nullCode}) ? null : ${c.code})`;
      }
      case 'in_list': {
        const a = this.value(e.arg);
        if (a === null || a.scale !== 0) return null;
        const items: unknown[] = [];
        for (const x of e.list) {
          if (x.kind !== 'const' || x.value === null) return null;
          if (a.rep === 'str' && typeof x.value === 'string') items.push(x.value);
          else if (a.rep === 'num' && typeof x.value === 'number') items.push(x.value);
          else return null;
        }
        // A short list is scanned; a long one becomes a Set (hashing costs more than a few compares).
        const test = items.length <= IN_LIST_SCAN_MAX ? `${this.arg(items)}.includes(${a.code})` : `${this.arg(new Set(items))}.has(${a.code})`;
        return `((${a.nullCode}) ? null : ${e.negate ? `!${test}` : test})`;
      }
      case 'like': {
        const a = this.value(e.arg);
        if (a === null || a.rep !== 'str' || e.pattern.kind !== 'const' || typeof e.pattern.value !== 'string') return null;
        try {
          likeRegexSource(e.pattern.value);
        } catch {
          return null; // a malformed pattern: the coordinator reports the error
        }
        const slot = this.args.length;
        this.setup.push(`const like${slot} = lib.likeMatcher(${this.arg(e.pattern.value)}, ${e.caseInsensitive});`);
        const test = `like${slot}(${a.code})`;
        return `((${a.nullCode}) ? null : ${e.negate ? `!${test}` : test})`;
      }
      case 'const':
        if (e.value === null) return 'null';
        if (typeof e.value === 'boolean') return String(e.value);
        return null;
      case 'column': {
        const v = this.value(e);
        if (v === null || v.rep !== 'bool') return null;
        return `((${v.nullCode}) ? null : ${v.code})`;
      }
      default:
        return null;
    }
  }

  /**
   * Source that is true exactly when the predicate is TRUE (NULL and FALSE both false): what a
   * WHERE clause needs, without three-valued bookkeeping per row. Falls back to predicate().
   */
  predicateTrue(e: Expr): string | null {
    switch (e.kind) {
      case 'and':
      case 'or': {
        const parts = e.args.map((a) => this.predicateTrue(a));
        if (parts.some((p) => p === null)) return null;
        // TRUE AND TRUE is TRUE; for OR, any TRUE arm makes it TRUE: both are plain && / ||.
        return `(${parts.join(e.kind === 'and' ? ' && ' : ' || ')})`;
      }
      case 'binary': {
        const c = this.comparisonOf(e);
        if (c === null) return null;
        return c.nullCode === 'false' ? c.code : `(!${c.nullCode} && ${c.code})`;
      }
      default: {
        const p = this.predicate(e);
        return p === null ? null : `(${p} === true)`;
      }
    }
  }

  /**
   * EXTRACT of a calendar field from a date (numeric, scale 0: the year, month or day), through
   * the worker library's civilFromDays. Other calls stay on the coordinator.
   */
  private callValue(e: Expr & { kind: 'call' }): KernelValue | null {
    if (isKernelSubstring(e)) {
      const text = this.value(e.args[0]!);
      if (text === null || text.rep !== 'str') return null;
      const bounds = e.args.slice(1).map((a) => this.arg((a as Expr & { kind: 'const' }).value));
      return { code: `lib.substr(${text.code}, ${bounds.join(', ')})`, nullCode: text.nullCode, rep: 'str', scale: 0 };
    }
    const part = civilPartOf(e);
    const days = part === null ? null : this.value(e.args[1]!);
    if (part === null || days === null || days.rep !== 'num') return null;
    return { code: `lib.civilFromDays(${days.code}).${part}`, nullCode: days.nullCode, rep: 'num', scale: 0 };
  }

  /**
   * CASE whose branches share a representation (NULL branches fit any): each branch's value and
   * NULL test are chosen by the same conditions. Numeric branches of different scales are brought
   * to the largest, the row's own scale kept in `scaleCode`.
   */
  private caseValue(e: Expr & { kind: 'case' }): KernelValue | null {
    const conds = e.whens.map((w) => this.predicateTrue(w.cond));
    const results = [...e.whens.map((w) => this.value(w.result)), this.value(e.otherwise)];
    if (conds.some((c) => c === null) || results.some((r) => r === null)) return null;
    const rs = results as KernelValue[];
    const typed = rs.filter((r) => r.nullCode !== 'true');
    const first = typed[0];
    if (first === undefined || typed.some((r) => r.rep !== first.rep || r.scaleCode !== undefined)) return null;
    const choose = (part: (r: KernelValue) => string): string =>
      (conds as string[]).reduceRight((acc, c, i) => `(${c} ? ${part(rs[i]!)} : ${acc})`, part(rs[rs.length - 1]!));
    const nullCode = rs.every((r) => r.nullCode === 'false') ? 'false' : choose((r) => r.nullCode);
    if (typed.every((r) => r.scale === first.scale)) return { code: choose((r) => r.code), nullCode, rep: first.rep, scale: first.scale };
    const guard = this.exactnessGuard;
    const scale = Math.max(...typed.map((r) => r.scale));
    if (first.rep !== 'num' || guard === null || e.type.kind !== 'numeric' || scale > NUMERIC_SCALE_MAX) return null;
    const at = (r: KernelValue): string => (r.nullCode === 'true' || r.scale === scale ? r.code : `${guard}(${r.code} * ${10 ** (scale - r.scale)})`);
    return { code: choose(at), nullCode, rep: 'num', scale, scaleCode: choose((r) => String(r.scale)) };
  }

  /**
   * numeric + - * over scaled integers (numeric(p ≤ 15), int2, int4): PostgreSQL's result scale
   * (the larger scale for + and -, the sum for *), each step through the exactness guard.
   */
  private numericArithmetic(e: Expr & { kind: 'binary' }): KernelValue | null {
    const guard = this.exactnessGuard;
    if (guard === null) return null;
    const exactOperand = (x: Expr): boolean => x.type.kind === 'numeric' || x.type.kind === 'int2' || x.type.kind === 'int4';
    if (!exactOperand(e.left) || !exactOperand(e.right)) return null;
    const l = this.value(e.left);
    const r = this.value(e.right);
    if (l === null || r === null || l.rep !== 'num' || r.rep !== 'num' || l.scaleCode !== undefined || r.scaleCode !== undefined) return null;
    const nullCode = orNull(l.nullCode, r.nullCode);
    if (e.op === '*') {
      const scale = l.scale + r.scale;
      return scale > NUMERIC_SCALE_MAX ? null : { code: `${guard}(${l.code} * ${r.code})`, nullCode, rep: 'num', scale };
    }
    const scale = Math.max(l.scale, r.scale);
    if (scale > NUMERIC_SCALE_MAX) return null;
    const at = (v: KernelValue): string => (v.scale === scale ? v.code : `${guard}(${v.code} * ${10 ** (scale - v.scale)})`);
    return { code: `${guard}(${at(l)} ${e.op} ${at(r)})`, nullCode, rep: 'num', scale };
  }

  /** A comparison's source (valid when neither side is NULL) and its NULL test. */
  private comparisonOf(e: Expr & { kind: 'binary' }): { code: string; nullCode: string } | null {
    const op = JS_COMPARISONS[e.op];
    if (op === undefined) return null;
    const right = this.constantOf(e.right);
    const left = this.constantOf(e.left);
    const scaled =
      right instanceof Numeric && INTEGRAL_KINDS.has(e.left.type.kind) ? this.scaledComparison(e.left, op, right)
      : left instanceof Numeric && INTEGRAL_KINDS.has(e.right.type.kind) ? this.scaledComparison(e.right, FLIPPED_COMPARISONS[op]!, left)
      : null;
    if (scaled !== null) return scaled;
    const l = this.value(e.left);
    const r = this.value(e.right);
    if (l === null || r === null) return null;
    const code = this.comparison(l, r, op);
    return code === null ? null : { code, nullCode: orNull(l.nullCode, r.nullCode) };
  }

  /** A constant's value (a literal, a parameter, a subquery computed first), or undefined. */
  private constantOf(e: Expr): Value | undefined {
    if (e.kind === 'const') return e.value;
    if (e.kind === 'param') return this.params[e.index] ?? null;
    if (e.kind === 'subquery' && !e.correlated && e.mode === 'scalar' && this.subqueryValue !== null) return this.subqueryValue(e);
    return undefined;
  }

  /**
   * `x op k` for a numeric constant k, with x an integer coefficient at some scale s (an integer,
   * date or numeric column, or arithmetic over them; never a float): k is brought to scale s,
   * rounded the way that keeps the comparison exact for x's integer coefficient (x > 1.005 at
   * scale 2 is x > 1.00, x ≥ 1.005 is x ≥ 1.01), so a constant with more digits (an average, say)
   * still compiles.
   */
  private scaledComparison(xe: Expr, op: string, k: Numeric): { code: string; nullCode: string } | null {
    const x = this.value(xe);
    if (x === null || x.rep !== 'num' || x.scaleCode !== undefined || x.scale > NUMERIC_SCALE_MAX) return null;
    const shift = k.scale - x.scale;
    let floor = k.coef;
    let exact = true;
    if (shift > 0) {
      const d = 10n ** BigInt(shift);
      floor = k.coef / d;
      exact = floor * d === k.coef;
      if (!exact && k.coef < 0n) floor -= 1n; // bigint division truncates toward zero
    } else if (shift < 0) floor = k.coef * 10n ** BigInt(-shift);
    const ceil = exact ? floor : floor + 1n;
    const bound = (b: bigint): string | null => (Number.isSafeInteger(Number(b)) ? this.arg(Number(b)) : null);
    let code: string | null;
    switch (op) {
      case '>':
      case '<=':
        code = bound(floor);
        break;
      case '>=':
      case '<':
        code = bound(ceil);
        break;
      default:
        // = and <>: a constant between two coefficients equals none of them.
        if (!exact) return { code: op === '===' ? 'false' : 'true', nullCode: x.nullCode };
        code = bound(floor);
    }
    return code === null ? null : { code: `(${x.code} ${op} ${code})`, nullCode: x.nullCode };
  }

  private comparison(l: KernelValue, r: KernelValue, op: string): string | null {
    if (l.rep === 'str' && r.rep === 'str') {
      // Only equality: ordering of text follows the collation, which the coordinator owns.
      return op === '===' || op === '!==' ? `(${l.code} ${op} ${r.code})` : null;
    }
    if (l.rep === 'bool' && r.rep === 'bool') return op === '===' || op === '!==' ? `(${l.code} ${op} ${r.code})` : null;
    if (l.rep === 'big' || r.rep === 'big') {
      if (l.scale !== 0 || r.scale !== 0) return null;
      const lc = l.rep === 'big' ? l.code : `BigInt(${l.code})`;
      const rc = r.rep === 'big' ? r.code : `BigInt(${r.code})`;
      // A number meets a bigint only as a constant argument (a<n>), never a column.
      if (l.rep !== 'big' && !/^a\d+$/.test(l.code)) return null;
      if (r.rep !== 'big' && !/^a\d+$/.test(r.code)) return null;
      return `(${lc} ${op} ${rc})`;
    }
    if (l.rep !== 'num' || r.rep !== 'num') return null;
    if (l.scale === r.scale) return `(${l.code} ${op} ${r.code})`;
    // Bring both sides to the larger scale; exact while the scaled values stay below 2^53.
    const s = Math.max(l.scale, r.scale);
    const lc = l.scale === s ? l.code : `(${l.code} * ${10 ** (s - l.scale)})`;
    const rc = r.scale === s ? r.code : `(${r.code} * ${10 ** (s - r.scale)})`;
    if (s > 15) return null;
    return `(${lc} ${op} ${rc})`;
  }
}

/**
 * Casts a kernel computes: widening between number kinds, integers to int8 (as a bigint) or to
 * unconstrained numeric (the same value), and between text kinds without a length to cut to.
 * Other casts stay on the coordinator.
 */
export function isKernelCast(e: Expr & { kind: 'cast' }): boolean {
  const from = e.arg.type.kind;
  const to = e.type.kind;
  const int = from === 'int2' || from === 'int4';
  return (
    (from === 'int2' && (to === 'int4' || to === 'float8' || to === 'float4')) ||
    (from === 'int4' && to === 'float8') ||
    (from === 'float4' && to === 'float8') ||
    (int && to === 'int8') ||
    (int && to === 'numeric' && e.type.precision === undefined) ||
    ((from === 'text' || from === 'varchar') && (to === 'text' || (to === 'varchar' && e.type.length === undefined)))
  );
}

function orNull(a: string, b: string): string {
  if (a === 'false') return b;
  if (b === 'false') return a;
  return `(${a} || ${b})`;
}

/** Date fields a kernel extracts, and their member of civilFromDays' result. */
const CIVIL_PARTS: Readonly<Record<string, 'y' | 'm' | 'd'>> = { year: 'y', month: 'm', day: 'd' };

/** For EXTRACT(year | month | day FROM a date): civilFromDays' member; else null. */
function civilPartOf(e: Expr & { kind: 'call' }): 'y' | 'm' | 'd' | null {
  const [unit, source] = e.args;
  if (e.name !== 'extract' || unit?.kind !== 'const' || typeof unit.value !== 'string' || source?.type.kind !== 'date') return null;
  try {
    return CIVIL_PARTS[dateField(unit.value)] ?? null;
  } catch {
    return null; // an unknown unit: the coordinator reports the error
  }
}

/**
 * substring/substr of text from constant positions (a negative length, an error, stays on the
 * coordinator), through the worker library's substr: PostgreSQL's rule, counting characters.
 */
function isKernelSubstring(e: Expr & { kind: 'call' }): boolean {
  if ((e.name !== 'substring' && e.name !== 'substr') || e.args.length < 2 || e.args.length > 3) return false;
  const [, start, count] = e.args;
  const int = (a: Expr | undefined): boolean => a?.kind === 'const' && typeof a.value === 'number' && Number.isInteger(a.value);
  return e.args[0]!.type.kind === 'text' && int(start) && (count === undefined || (int(count) && ((count as Expr & { kind: 'const' }).value as number) >= 0));
}

/** Calls a kernel computes itself (see callValue). */
export function isKernelCall(e: Expr & { kind: 'call' }): boolean {
  return isKernelSubstring(e) || civilPartOf(e) !== null;
}

/** Three-valued logic helpers, prepended to every kernel. */
export const KERNEL_PRELUDE = `
const and3 = (a, b) => (a === false || b === false) ? false : (a === null || b === null) ? null : true;
const or3 = (a, b) => (a === true || b === true) ? true : (a === null || b === null) ? null : false;
const not3 = (a) => a === null ? null : !a;
`;
