// Aggregates over a scan as data-engine kernels: the partial-aggregate kernel (filter, group,
// accumulate over typed arrays; its per-group keys and states return as one Arrow IPC batch per
// task) and the coordinator's merge of the partials.

import { EonError } from '../../src/errors/index.js';
import { Numeric, T, type ColumnType, type Value } from '../../src/types/index.js';
import type { Row } from '../execute/compile-expr.js';
import { numericAvg } from '../execute/value-math.js';
import { andOf, conjunctsOf, renumberColumns, type Expr } from '../plan/expr.js';
import type { AggregateCall, AggregateName, Plan } from '../plan/logical.js';
import type { PartialArrays, PartialColumnKind, PartialLayout } from '../../storage/index.js';
import { HASH_MUL_1, HASH_MUL_2, INT32_KEY_KINDS, INT32_KEYS_MAX, Int32Groups } from './int32-groups.js';
import { KERNEL_PRELUDE, KernelBuilder, type KernelValue } from './kernel-expr.js';
import type { KeyFilter } from './join-key-filter.js';
import { keyFilterPredicate } from './scan-fragment.js';

/**
 * Bound on a double holding an exact integer in a kernel (2^52): two such values add to at most
 * 2^53, still exact.
 */
const EXACT_STEP_MAX = 2 ** 52;
/** Largest per-batch code table for grouping by dictionary codes (product of dictionary sizes). */
const DICT_GROUP_SLOTS_MAX = 65_536;

/** The aggregates a partial-aggregate kernel computes; plans with others aggregate on the coordinator. */
const KERNEL_AGGREGATES: ReadonlySet<AggregateName> = new Set<AggregateName>(['count', 'count_star', 'sum', 'avg', 'min', 'max']);

export interface AggregateFragment {
  readonly kind: 'aggregate';
  readonly plan: Plan & { kind: 'aggregate' };
  readonly scan: Plan & { kind: 'scan' };
}


/** How one aggregate call is accumulated in the kernel and finished on the coordinator. */
interface AggSpec {
  readonly call: AggregateCall;
  readonly value: KernelValue | null;
  /** For a sum or avg of values whose scale varies by row: the state holding the largest seen. */
  readonly scaleState?: number;
  /** A sum or avg of an exact kind kept as lo + hi × 2^52 in doubles (states [lo, count, hi]). */
  readonly exact?: boolean;
}

export interface AggregateKernel {
  /** The columns of the Arrow IPC batch each task returns. */
  readonly layout: PartialLayout;
  readonly source: string;
  readonly columns: number[];
  readonly args: unknown[];
  readonly specs: AggSpec[];
  readonly keyTypes: ColumnType[];
}

/**
 * With `finalHaving` (a HAVING predicate over the aggregate's output, when each task's groups
 * are complete: the group keys hold the distribution key), the kernel drops the groups its
 * `aggregate op constant` conjuncts surely reject before sending them (see havingBounds).
 */
export function compileAggregateKernel(f: AggregateFragment, params: readonly Value[], keyFilter?: KeyFilter, finalHaving?: Expr): AggregateKernel | null {
  const table = f.scan.table;
  const kb = new KernelBuilder(table.columns.map((c) => c.type), params, { exactnessGuard: 'exact' });
  // A column bounded on both sides (a date range) is tested first, in a pass of its own.
  const conjuncts = conjunctsOf(f.scan.filter);
  const ranged = rangedColumn(conjuncts);
  const first = ranged === null ? [] : conjuncts.filter((c) => onlyColumn(c) === ranged);
  const prefilter = first.length === 0 ? null : kb.predicateTrue(andOf(first)!);
  const filters = conjuncts.filter((c) => !first.includes(c)).map((c) => kb.predicateTrue(c));
  if (filters.includes(null) || (first.length > 0 && prefilter === null)) return null;
  if (keyFilter !== undefined) filters.push(keyFilterPredicate(kb, table, keyFilter));
  const filter = filters.length === 0 ? null : `(${filters.join(' && ')})`;
  // Group keys and arguments address the scan's output; kernels read table columns by ordinal.
  const project = f.scan.project;
  const toTable = (e: Expr): Expr => (project === undefined ? e : renumberColumns(e, (i) => project[i]!));
  return aggregateKernel(f.plan, {
    kb,
    rowOpen: filter === null ? [] : [`if (!${filter}) continue;`],
    rowClose: [],
    ...(prefilter === null ? {} : { prefilter }),
    groupBy: f.plan.groupBy.map(toTable),
    argsOf: (call) => call.args.map(toTable),
    ...(finalHaving === undefined ? {} : { finalHaving }),
  });
}

/**
 * Where a partial-aggregate kernel's rows come from: the builder that reads its columns, source
 * opening and closing each input row's scope (inside the loop over a batch's rows, with `i` the
 * row; `continue` drops it), and the group keys and aggregate arguments in the builder's columns.
 */
export interface AggregateRows {
  readonly kb: KernelBuilder;
  readonly rowOpen: readonly string[];
  readonly rowClose: readonly string[];
  readonly groupBy: readonly Expr[];
  readonly argsOf: (call: AggregateCall) => readonly Expr[];
  /** A HAVING predicate over the plan's output, when the kernel's groups are complete (see compileAggregateKernel). */
  readonly finalHaving?: Expr;
  /**
   * Source of a cheap, selective test of row `i`, run over a whole batch first: the rows that
   * pass are collected and only they go through rowOpen (a tight loop over one column skips
   * most rows faster than the full row scope does).
   */
  readonly prefilter?: string;
}

/** The partial-aggregate kernel of `plan` over `rows`, or null when some part cannot run in a kernel. */
export function aggregateKernel(plan: Plan & { kind: 'aggregate' }, rows: AggregateRows): AggregateKernel | null {
  const { kb, groupBy } = rows;
  const keys: KernelValue[] = [];
  for (const g of groupBy) {
    const v = kb.value(g);
    if (v === null) return null;
    // Numeric keys come back at their type's scale; a computed one may have another.
    if (g.type.kind === 'numeric' && v.scale !== (g.type.scale ?? 0)) return null;
    keys.push(v);
  }
  const specs: AggSpec[] = [];
  for (const call of plan.aggregates) {
    if (call.distinct || call.filter !== null || !KERNEL_AGGREGATES.has(call.name)) return null;
    if (call.name === 'count_star') {
      specs.push({ call, value: null });
      continue;
    }
    const v = kb.value(rows.argsOf(call)[0]!);
    if (v === null) return null;
    const k = call.args[0]!.type.kind;
    if ((call.name === 'sum' || call.name === 'avg') && (v.rep !== 'num' && v.rep !== 'big' || k === 'float4' && call.name === 'sum')) return null;
    if ((call.name === 'sum' || call.name === 'avg') && !['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'].includes(k)) return null;
    if ((call.name === 'min' || call.name === 'max') && (v.rep === 'str' || v.rep === 'bool' || v.scaleCode !== undefined)) return null;
    specs.push({ call, value: v });
  }
  if (keys.some((k) => k.scaleCode !== undefined)) return null;
  // Sums of values whose scale varies by row also keep the largest scale seen, per group.
  let extraStates = specs.length;
  for (let a = 0; a < specs.length; a++) {
    if (specs[a]!.value?.scaleCode !== undefined) specs[a] = { ...specs[a]!, scaleState: extraStates++ };
  }
  const lines: string[] = [KERNEL_PRELUDE];
  const global = keys.length === 0;
  // Text column keys group by their dictionary codes: per batch, a table from the combined code
  // (one extra code per key for NULL) to the group, filled on first sight of each combination.
  const dictKeys = keys.length > 0 && keys.every((k, i) => k.rep === 'str' && groupBy[i]!.kind === 'column' && kb.isBatchColumn((groupBy[i] as Expr & { kind: 'column' }).index))
    ? groupBy.map((g) => kb.column((g as Expr & { kind: 'column' }).index))
    : null;
  // One or two int32 keys group through an open-addressing table over typed arrays (see
  // INT32_GROUPS_SOURCE); a Map takes other keys, and rows with a NULL key.
  const int32Keys = keys.length > 0 && keys.length <= INT32_KEYS_MAX && groupBy.every((g) => INT32_KEY_KINDS.has(g.type.kind)) && keys.every((k) => k.rep === 'num' && k.scale === 0);
  const keyString = keys.length === 1 ? 'k0' : keys.map((k, i) => `(k${i} === null ? 'N' : ${k.rep === 'str' ? `'s' + k${i}.length + ':' + k${i}` : `'v' + k${i}`})`).join(" + '|' + ");
  lines.push('const groups = new Map(); let n = 0; let inexact = false;');
  // Numeric arithmetic stays in a double's exact integers; past the bound the partial is flagged.
  lines.push(`const exact = (x) => { if (x > ${EXACT_STEP_MAX} || x < -${EXACT_STEP_MAX}) inexact = true; return x; };`);
  lines.push(`const keys = [${keys.map(() => '[]').join(', ')}];`);
  lines.push(`const states = [${Array.from({ length: extraStates }, () => '[]').join(', ')}];`);
  // One local per state array: the row loop then indexes a local, not states[a] first.
  if (specs.length > 0) lines.push(`const ${specs.map((_, a) => `s${a} = states[${a}]`).join(', ')};`);
  // Sums of exact kinds (integers, scaled numerics) are kept in doubles as lo + hi × 2^52, lo
  // within EXACT_STEP_MAX: any number of rows stays exact without a bigint (see mergePartials).
  const exactSum = specs.map((s) => (s.call.name === 'sum' || s.call.name === 'avg') && s.value!.rep === 'num' && isExactKind(s.call.args[0]!.type));
  exactSum.forEach((e, a) => {
    if (e) specs[a] = { ...specs[a]!, exact: true };
  });
  // Per group: count 1 slot; sum/avg the sum and the count of non-null inputs, exact sums also hi.
  const stride = specs.map((s, a): 1 | 2 | 3 => (exactSum[a] ? 3 : s.call.name === 'sum' || s.call.name === 'avg' ? 2 : 1));
  const init = specs.map((s, a) => {
    switch (s.call.name) {
      case 'count_star':
      case 'count':
        return `s${a}.push(0);`;
      case 'sum':
      case 'avg':
        return s.value!.rep === 'big' ? `s${a}.push(0n, 0);` : exactSum[a] ? `s${a}.push(0, 0, 0);` : `s${a}.push(0, 0);`;
      default:
        return `s${a}.push(null);`;
    }
  });
  const initScale = specs.map((sp) => (sp.scaleState === undefined ? '' : ` states[${sp.scaleState}].push(0);`)).join('');
  lines.push(`const newGroup = (${keys.map((_, i) => `k${i}`).join(', ')}) => { ${keys.map((_, i) => `keys[${i}].push(k${i});`).join(' ')} ${init.join(' ')}${initScale} return n++; };`);
  if (int32Keys) lines.push(INT32_GROUPS_SOURCE.replaceAll('__W__', String(keys.length)));
  if (global) lines.push('newGroup();');
  if (rows.prefilter !== undefined) lines.push('let passed = new Uint32Array(0);');
  lines.push('for (const b of batches) {');
  lines.push('  const sel = b.selection; const len = sel === null ? b.length : sel.length;');
  lines.push('  __SETUP__');
  if (dictKeys !== null) {
    lines.push(`  const slotCount = ${dictKeys.map((d) => `(d${d}.length + 1)`).join(' * ')};`);
    lines.push(`  const slots = slotCount <= ${DICT_GROUP_SLOTS_MAX} ? new Int32Array(slotCount).fill(-1) : null;`);
  }
  if (rows.prefilter === undefined) {
    lines.push('  for (let j = 0; j < len; j++) {');
    lines.push('    const i = sel === null ? j : sel[j];');
  } else {
    lines.push('  if (passed.length < len) passed = new Uint32Array(len);');
    lines.push('  let m = 0;');
    lines.push(`  for (let j = 0; j < len; j++) { const i = sel === null ? j : sel[j]; if (${rows.prefilter}) passed[m++] = i; }`);
    lines.push('  for (let j = 0; j < m; j++) {');
    lines.push('    const i = passed[j];');
  }
  for (const l of rows.rowOpen) lines.push(`    ${l}`);
  if (global) lines.push('    const g = 0;');
  else {
    const keyLocals = keys.map((k, i) => `const k${i} = (${k.nullCode}) ? null : ${k.code};`).join(' ');
    const mapLookup = `g = groups.get(kk); if (g === undefined) { g = newGroup(${keys.map((_, i) => `k${i}`).join(', ')}); groups.set(kk, g); }`;
    lines.push('    let g;');
    if (int32Keys) {
      const anyNull = keys.map((_, i) => `k${i} === null`).join(' || ');
      lines.push(`    { ${keyLocals} if (${anyNull}) { const kk = ${keyString}; ${mapLookup} } else g = groupOf(${keys.map((_, i) => `k${i}`).join(', ')}); }`);
    } else if (dictKeys !== null) {
      const code = dictKeys.map((d, i) => `((${keys[i]!.nullCode}) ? d${d}.length : v${d}[i])`);
      const slot = code.slice(1).reduce((acc, c, i) => `(${acc}) * (d${dictKeys[i + 1]}.length + 1) + ${c}`, code[0]!);
      lines.push(`    const slot = slots === null ? -1 : ${slot};`);
      lines.push(`    g = slot < 0 ? -1 : slots[slot];`);
      lines.push(`    if (g < 0) { ${keyLocals} const kk = ${keyString}; ${mapLookup} if (slot >= 0) slots[slot] = g; }`);
    } else {
      lines.push(`    { ${keyLocals} const kk = ${keyString}; ${mapLookup} }`);
    }
  }
  specs.forEach((s, a) => {
    const st = `s${a}`;
    const at = stride[a] === 1 ? 'g' : `g * ${stride[a]}`;
    if (s.call.name === 'count_star') {
      lines.push(`    ${st}[g]++;`);
      return;
    }
    const v = s.value!;
    lines.push(`    if (!(${v.nullCode})) {`);
    lines.push(`      const x = ${v.code};`);
    switch (s.call.name) {
      case 'count':
        lines.push(`      ${st}[g]++;`);
        break;
      case 'sum':
      case 'avg':
        if (exactSum[a]) {
          // |lo| ≤ EXACT_STEP_MAX and |x| ≤ EXACT_STEP_MAX before the add: the double stays exact,
          // and moving whole multiples of 2^52 into hi keeps it so.
          lines.push(`      if (x > ${EXACT_STEP_MAX} || x < -${EXACT_STEP_MAX}) inexact = true;`);
          lines.push(`      let t = ${st}[${at}] + x; if (t > ${EXACT_STEP_MAX} || t < -${EXACT_STEP_MAX}) { const c = Math.trunc(t / ${EXACT_STEP_MAX}); ${st}[${at} + 2] += c; t -= c * ${EXACT_STEP_MAX}; }`);
          lines.push(`      ${st}[${at}] = t; ${st}[${at} + 1]++;`);
        } else lines.push(`      ${st}[${at}] += x; ${st}[${at} + 1]++;`);
        if (s.scaleState !== undefined) lines.push(`      { const sc = ${v.scaleCode}; if (sc > states[${s.scaleState}][g]) states[${s.scaleState}][g] = sc; }`);
        break;
      case 'min':
        lines.push(`      const m = ${st}[g]; if (m === null || x < m) ${st}[g] = x;`);
        break;
      case 'max':
        lines.push(`      const m = ${st}[g]; if (m === null || x > m) ${st}[g] = x;`);
        break;
      default:
        throw new EonError('internal_error', `aggregate ${s.call.name} in a kernel`);
    }
    lines.push('    }');
  });
  for (const l of rows.rowClose) lines.push(`    ${l}`);
  lines.push('  }');
  lines.push('}');
  const layout: PartialLayout = {
    keys: keys.map((k) => columnKind(k)),
    states: [
      ...specs.map((s, a): PartialLayout['states'][number] => ({ kind: exactSum[a] || s.value === null || s.call.name === 'count' ? 'f64' : columnKind(s.value), stride: stride[a]! })),
      ...specs.flatMap((s): PartialLayout['states'][number][] => (s.scaleState === undefined ? [] : [{ kind: 'f64', stride: 1 }])),
    ],
  };
  const bounds = rows.finalHaving === undefined ? [] : havingBounds(rows.finalHaving, groupBy.length, specs);
  if (bounds.length > 0) {
    // Complete groups the HAVING filter surely drops are dropped here, not sent and merged.
    const widths = [...stride, ...specs.flatMap((sp) => (sp.scaleState === undefined ? [] : [1]))];
    const tests = bounds.map((b) => boundTest(b, stride[b.spec]!));
    lines.push('{ let w = 0;');
    lines.push('  for (let g = 0; g < n; g++) {');
    lines.push(`    if (!(${tests.join(' && ')})) continue;`);
    lines.push(`    if (w !== g) { ${keys.map((_, i) => `keys[${i}][w] = keys[${i}][g];`).join(' ')} ${widths.map((wd, a) => Array.from({ length: wd }, (_, o) => `states[${a}][w * ${wd} + ${o}] = states[${a}][g * ${wd} + ${o}];`).join(' ')).join(' ')} }`);
    lines.push('    w++;');
    lines.push('  }');
    lines.push(`  n = w; ${keys.map((_, i) => `keys[${i}].length = w;`).join(' ')} ${widths.map((wd, a) => `states[${a}].length = w * ${wd};`).join(' ')} }`);
  }
  lines.push(`return lib.packPartial({ n, keys, states, inexact }, ${kb.arg(layout)});`);
  const source = [kb.argBindings(), ...lines].join('\n').replace('__SETUP__', kb.setup.join('\n  '));
  return { source, columns: kb.columns, args: kb.args, specs, keyTypes: groupBy.map((e) => e.type), layout };
}

/** The one column a comparison of a column with a constant reads, or null. */
function onlyColumn(e: Expr): number | null {
  if (e.kind !== 'binary' || !['<', '<=', '>', '>='].includes(e.op)) return null;
  const [col, other] = e.left.kind === 'column' ? [e.left, e.right] : [e.right, e.left];
  return col.kind === 'column' && (other.kind === 'const' || other.kind === 'param') ? col.index : null;
}

/** A column the conjuncts bound from below and from above (a range), or null. */
function rangedColumn(conjuncts: readonly Expr[]): number | null {
  const below = new Set<number>();
  const above = new Set<number>();
  for (const c of conjuncts) {
    const col = onlyColumn(c);
    if (col === null || c.kind !== 'binary') continue;
    const lower = (c.op === '>' || c.op === '>=') === (c.left.kind === 'column');
    (lower ? below : above).add(col);
  }
  return [...below].find((c) => above.has(c)) ?? null;
}

/** `aggregate op bound` in the aggregate's state units: what a kernel can test of a HAVING conjunct. */
interface HavingBound {
  readonly spec: number;
  readonly op: '<' | '<=' | '>' | '>=';
  readonly bound: number;
}

/** Argument kinds whose aggregates a kernel may compare with a HAVING bound. */
const EXACT_BOUND_KINDS = new Set(['int2', 'int4', 'int8', 'numeric', 'date']);

const FLIPPED_OPS: Record<string, HavingBound['op']> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * The conjuncts of a HAVING predicate a kernel can test on a group's state: count, sum or min/max
 * (of numbers) compared with a numeric constant. Others are left to the coordinator, which
 * applies the whole predicate to every group sent anyway.
 */
function havingBounds(predicate: Expr, keyCount: number, specs: readonly AggSpec[]): HavingBound[] {
  const out: HavingBound[] = [];
  for (const c of conjunctsOf(predicate)) {
    if (c.kind !== 'binary' || FLIPPED_OPS[c.op] === undefined) continue;
    const [column, constant, op] = c.left.kind === 'column' ? [c.left, c.right, c.op as HavingBound['op']] : [c.right, c.left, FLIPPED_OPS[c.op]!];
    if (column.kind !== 'column' || constant.kind !== 'const' || column.index < keyCount) continue;
    const spec = column.index - keyCount;
    const sp = specs[spec];
    const value = constant.value;
    const number = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : value instanceof Numeric ? value.toNumber() : null;
    // Exact kinds only: a float sum may be NaN, which PostgreSQL orders above every number.
    const exactArg = sp === undefined || sp.call.args.length === 0 || EXACT_BOUND_KINDS.has(sp.call.args[0]!.type.kind);
    if (sp === undefined || !exactArg || number === null || !Number.isFinite(number) || sp.scaleState !== undefined) continue;
    const name = sp.call.name;
    if (name === 'count' || name === 'count_star') out.push({ spec, op, bound: number });
    else if ((name === 'sum' || name === 'min' || name === 'max') && sp.value !== null && sp.value.rep === 'num') out.push({ spec, op, bound: number * 10 ** sp.value.scale });
  }
  return out;
}

/**
 * Kernel source true unless group `g` surely fails `b`: sums are read as lo + hi × 2^52 in a
 * double and compared with a margin, a NULL aggregate (no input) fails every comparison.
 */
const HAVING_BOUND_MARGIN = 1e-12;

function boundTest(b: HavingBound, stride: number): string {
  const st = `states[${b.spec}]`;
  // States are integers in their units (exact below 2^53); the bound, scaled in a double, may be
  // off in its last bits, and a sum past 2^53 read as one double by as much: a relative margin.
  const margin = Math.abs(b.bound) * HAVING_BOUND_MARGIN;
  const loose = b.op === '>' || b.op === '>=' ? b.bound - margin : b.bound + margin;
  if (stride === 1) return `(${st}[g] !== null && ${st}[g] ${b.op} ${loose})`;
  const sum = stride === 3 ? `(${st}[g * 3] + ${st}[g * 3 + 2] * ${EXACT_STEP_MAX})` : `${st}[g * 2]`;
  return `(${st}[g * ${stride} + 1] > 0 && ${sum} ${b.op} ${loose})`;
}

/** Slots of a kernel's int32 group table at first; it doubles when half full. */
const INT32_GROUP_SLOTS_INITIAL = 1024;

/**
 * Kernel source (with __W__, the key count, 1 or 2): `groupOf(k0[, k1])` finds or makes the group
 * of non-null int32 keys in an open-addressing table whose slots hold the keys then the group,
 * hashed as Int32Groups hashes (the coordinator's twin of this table, which kernels cannot import).
 */
const INT32_GROUPS_SOURCE = `
let gBits = ${Math.log2(INT32_GROUP_SLOTS_INITIAL)}, gMask = (1 << gBits) - 1, gE = new Int32Array((1 << gBits) * (__W__ + 1)).fill(-1);
const gSlot = (a, b) => (__W__ === 1 ? Math.imul(a, ${HASH_MUL_1}) : Math.imul(Math.imul(a, ${HASH_MUL_1}) ^ b, ${HASH_MUL_2})) >>> (32 - gBits);
const gPut = (a, b, g) => { let s = gSlot(a, b); while (gE[s * (__W__ + 1) + __W__] !== -1) s = (s + 1) & gMask; const at = s * (__W__ + 1); gE[at] = a; if (__W__ === 2) gE[at + 1] = b; gE[at + __W__] = g; };
const gGrow = () => {
  gBits++; gMask = (1 << gBits) - 1; gE = new Int32Array((1 << gBits) * (__W__ + 1)).fill(-1);
  for (let g = 0; g < n; g++) { const a = keys[0][g], b = __W__ === 2 ? keys[1][g] : 0; if (a !== null && b !== null) gPut(a, b, g); }
};
const groupOf = (a, b) => {
  let s = gSlot(a, b);
  for (;;) {
    const at = s * (__W__ + 1), e = gE[at + __W__];
    if (e === -1) { const g = newGroup(a, b); gE[at] = a; if (__W__ === 2) gE[at + 1] = b; gE[at + __W__] = g; if (n * 2 > gMask) gGrow(); return g; }
    if (gE[at] === a && (__W__ === 1 || gE[at + 1] === b)) return e;
    s = (s + 1) & gMask;
  }
};
`;

/** How a kernel value's partial column travels (integer sums of int8 as text: they may pass 2^63). */
function columnKind(v: KernelValue): PartialColumnKind {
  switch (v.rep) {
    case 'num':
      return 'f64';
    case 'big':
      return 'bigint';
    case 'str':
      return 'text';
    case 'bool':
      return 'bool';
  }
}

function isExactKind(t: ColumnType): boolean {
  return t.kind === 'int2' || t.kind === 'int4' || t.kind === 'numeric';
}

/** 2^52 as a bigint: an exact sum is lo + hi × 2^52. */
const EXACT_STEP_BIG = 2n ** 52n;

/**
 * Merges per-partition partial states into the aggregate's final rows. States of numbers sit in
 * Float64Arrays sized for every partial group (an upper bound on the groups), so nothing is
 * boxed per group; keys of one or two int32 kinds are grouped through Int32Groups, others (and
 * rows with a NULL key) through a Map.
 */
export function mergePartials(
  specs: AggSpec[],
  keyTypes: ColumnType[],
  partials: PartialArrays[],
  opts: {
    /** A HAVING filter: rows it drops die young instead of being kept for the filter. */
    readonly keep?: ((row: Row) => boolean) | undefined;
    /** No key is in two partials (the group keys include the table's distribution key): no lookups. */
    readonly disjoint?: boolean;
  } = {},
): Row[] {
  const { keep, disjoint = false } = opts;
  const global = keyTypes.length === 0;
  const width = keyTypes.length;
  const bound = Math.max(1, partials.reduce((sum, p) => sum + p.n, 0));
  const int32 = (width === 1 || width === 2) && keyTypes.every((t) => INT32_KEY_KINDS.has(t.kind)) ? new Int32Groups(width) : null;
  // One key groups by its value itself (SameValueZero: one group for NULL, for NaN, for ±0, as
  // PostgreSQL); several by a string made of them.
  const slots = new Map<unknown, number>();
  const groupKeys: unknown[][] = keyTypes.map(() => []);
  let groups = global ? 1 : 0;
  const strideOf = (s: AggSpec): number => (s.exact === true ? 3 : s.call.name === 'sum' || s.call.name === 'avg' ? 2 : 1);
  // Per spec: its states in the kernel's layout; doubles where the values are numbers.
  const acc = specs.map((s): { [i: number]: unknown } => {
    const size = bound * strideOf(s);
    if (s.call.name === 'count' || s.call.name === 'count_star' || s.exact === true) return new Float64Array(size);
    if ((s.call.name === 'sum' || s.call.name === 'avg') && s.value?.rep !== 'big') return new Float64Array(size);
    if (s.call.name === 'sum' || s.call.name === 'avg') return Array.from({ length: size }, (_, i): unknown => (i % 2 === 0 ? 0n : 0)); // int8 sums: [bigint, count]
    return new Array<unknown>(size).fill(null);
  });
  /** Per spec with a scale state: the largest scale seen per group. */
  const seenScale = specs.map((s) => (s.scaleState === undefined ? null : new Float64Array(bound)));
  for (const part of partials) {
    const keys = part.keys;
    for (let pg = 0; pg < part.n; pg++) {
      let g = 0;
      if (disjoint && !global) {
        g = groups++;
        for (let i = 0; i < width; i++) groupKeys[i]!.push(keys[i]![pg]);
      } else if (!global) {
        const k0 = keys[0]![pg];
        const k1 = width === 2 ? keys[1]![pg] : 0;
        if (int32 !== null && k0 !== null && k1 !== null) {
          g = int32.findOrAdd(k0 as number, k1 as number, groups);
        } else {
          let kk: unknown;
          if (width === 1) kk = k0;
          else {
            kk = '';
            for (let i = 0; i < width; i++) {
              const v = keys[i]![pg];
              kk += (v === null ? 'N' : `${typeof v}:${String(v)}`) + '|';
            }
          }
          g = slots.get(kk) ?? -1;
          if (g < 0) slots.set(kk, groups);
        }
        if (g < 0) {
          g = groups++;
          for (let i = 0; i < width; i++) groupKeys[i]!.push(keys[i]![pg]);
        }
      }
      for (let a = 0; a < specs.length; a++) {
        const s = specs[a]!;
        const st = part.states[a]!;
        const into = acc[a]!;
        switch (s.call.name) {
          case 'count':
          case 'count_star':
            (into as Float64Array)[g]! += st[pg] as number;
            break;
          case 'sum':
          case 'avg': {
            if (s.exact === true) {
              // lo stays within 2^52 by moving whole multiples into hi, as the kernel does.
              const sums = into as Float64Array;
              let lo = sums[g * 3]! + (st[pg * 3] as number);
              let hi = sums[g * 3 + 2]! + (st[pg * 3 + 2] as number);
              if (lo > EXACT_STEP_MAX || lo < -EXACT_STEP_MAX) {
                const c = Math.trunc(lo / EXACT_STEP_MAX);
                hi += c;
                lo -= c * EXACT_STEP_MAX;
              }
              sums[g * 3] = lo;
              sums[g * 3 + 1]! += st[pg * 3 + 1] as number;
              sums[g * 3 + 2] = hi;
            } else {
              const sum = st[pg * 2];
              const cur = into[g * 2];
              into[g * 2] = typeof cur === 'bigint' ? cur + (typeof sum === 'bigint' ? sum : BigInt(sum as number)) : (cur as number) + (sum as number);
              into[g * 2 + 1] = (into[g * 2 + 1] as number) + (st[pg * 2 + 1] as number);
            }
            const seen = seenScale[a];
            if (seen != null) seen[g] = Math.max(seen[g]!, part.states[s.scaleState!]![pg] as number);
            break;
          }
          case 'min':
          case 'max': {
            const x = st[pg];
            if (x === null) break;
            const m = into[g];
            if (m === null || (s.call.name === 'min' ? (x as number) < (m as number) : (x as number) > (m as number))) into[g] = x;
            break;
          }
          default:
            throw new EonError('internal_error', `cannot merge ${s.call.name}`);
        }
      }
    }
  }
  const rows: Row[] = [];
  // With a HAVING filter, a group's aggregates are tested first and its row made only if kept.
  const scratch: Value[] = new Array(width + specs.length).fill(null);
  for (let g = 0; g < groups; g++) {
    for (let a = 0; a < specs.length; a++) scratch[width + a] = finish(specs[a]!, acc[a]!, g, seenScale[a]?.[g] ?? 0);
    for (let i = 0; i < width; i++) scratch[i] = keyValue(keyTypes[i]!, groupKeys[i]![g]);
    if (keep === undefined || keep(scratch)) rows.push(scratch.slice());
  }
  return rows;
}

function keyValue(t: ColumnType, v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (t.kind === 'bool') return v === true || v === 1;
  if (t.kind === 'numeric') return new Numeric(BigInt(v as number), t.scale ?? 0);
  return v as Value;
}

/** A group's final value; `seen` is the largest scale among its values when that varies by row. */
function finish(s: AggSpec, st: { readonly [i: number]: unknown }, g: number, seen: number): Value {
  const call = s.call;
  const argType = call.args[0]?.type ?? T.int8;
  const scale = s.value?.scale ?? 0;
  switch (call.name) {
    case 'count':
    case 'count_star':
      return BigInt(st[g] as number);
    case 'sum':
    case 'avg': {
      const stride = s.exact === true ? 3 : 2;
      const sum = st[g * stride];
      const count = st[g * stride + 1] as number;
      if (count === 0) return null;
      if (argType.kind === 'float8' || argType.kind === 'float4') {
        return call.name === 'sum' ? (sum as number) : (sum as number) / count;
      }
      let big = typeof sum === 'bigint' ? sum : BigInt(sum as number);
      if (s.exact === true) big += BigInt(st[g * 3 + 2] as number) * EXACT_STEP_BIG;
      if (s.scaleState !== undefined) {
        // Every value had at most `seen` digits after the point: dropping the rest is exact.
        big /= 10n ** BigInt(scale - seen);
        return call.name === 'sum' ? new Numeric(big, seen) : numericAvg(new Numeric(big, seen), count);
      }
      if (call.name === 'sum') {
        if (argType.kind === 'int2' || argType.kind === 'int4') return big;
        return new Numeric(big, scale);
      }
      return numericAvg(new Numeric(big, scale), count);
    }
    case 'min':
    case 'max': {
      const m = st[g];
      if (m === null) return null;
      if (argType.kind === 'numeric') return new Numeric(BigInt(m as number), scale);
      return m as Value;
    }
    default:
      throw new EonError('internal_error', `cannot finish ${call.name}`);
  }
}
