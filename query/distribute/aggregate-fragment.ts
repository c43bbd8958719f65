// Aggregates over a scan as data-engine kernels: the partial-aggregate kernel (filter, group,
// accumulate over typed arrays; its per-group keys and states return as one Arrow IPC batch per
// task) and the coordinator's merge of the partials.

import { EonError } from '../../src/errors/index.js';
import { Numeric, T, type ColumnType, type Value } from '../../src/types/index.js';
import type { Row } from '../execute/compile-expr.js';
import { numericAvg } from '../execute/value-math.js';
import { renumberColumns, type Expr } from '../plan/expr.js';
import type { AggregateCall, Plan } from '../plan/logical.js';
import type { PartialArrays, PartialColumnKind, PartialLayout } from '../../storage/index.js';
import { KERNEL_PRELUDE, KernelBuilder, type KernelValue } from './kernel-expr.js';

/**
 * Bound on a double holding an exact integer in a kernel (2^52): two such values add to at most
 * 2^53, still exact.
 */
const EXACT_STEP_MAX = 2 ** 52;
/** Largest per-batch code table for grouping by dictionary codes (product of dictionary sizes). */
const DICT_GROUP_SLOTS_MAX = 65_536;

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

export function compileAggregateKernel(f: AggregateFragment, params: readonly Value[]): AggregateKernel | null {
  const table = f.scan.table;
  const kb = new KernelBuilder(table.columns.map((c) => c.type), params, { exactnessGuard: 'exact' });
  const filter = f.scan.filter === null ? null : kb.predicateTrue(f.scan.filter);
  if (f.scan.filter !== null && filter === null) return null;
  // Group keys and arguments address the scan's output; kernels read table columns by ordinal.
  const project = f.scan.project;
  const toTable = (e: Expr): Expr => (project === undefined ? e : renumberColumns(e, (i) => project[i]!));
  return aggregateKernel(f.plan, {
    kb,
    rowOpen: filter === null ? [] : [`if (!${filter}) continue;`],
    rowClose: [],
    groupBy: f.plan.groupBy.map(toTable),
    argsOf: (call) => call.args.map(toTable),
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
    if (call.distinct || call.filter !== null || call.name === 'string_agg' || call.name === 'bool_and' || call.name === 'bool_or') return null;
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
  const keyString = keys.length === 1 ? 'k0' : keys.map((k, i) => `(k${i} === null ? 'N' : ${k.rep === 'str' ? `'s' + k${i}.length + ':' + k${i}` : `'v' + k${i}`})`).join(" + '|' + ");
  lines.push('const groups = new Map(); let n = 0; let inexact = false;');
  // Numeric arithmetic stays in a double's exact integers; past the bound the partial is flagged.
  lines.push(`const exact = (x) => { if (x > ${EXACT_STEP_MAX} || x < -${EXACT_STEP_MAX}) inexact = true; return x; };`);
  lines.push(`const keys = [${keys.map(() => '[]').join(', ')}];`);
  lines.push(`const states = [${Array.from({ length: extraStates }, () => '[]').join(', ')}];`);
  // One local per state array: the row loop then indexes a local, not states[a] first.
  if (specs.length > 0) lines.push(`const ${specs.map((_, a) => `s${a} = states[${a}]`).join(', ')};`);
  const init = specs.map((s, a) => {
    switch (s.call.name) {
      case 'count_star':
      case 'count':
        return `states[${a}].push(0);`;
      case 'sum':
      case 'avg':
        return s.value!.rep === 'big' ? `states[${a}].push(0n, 0);` : `states[${a}].push(0, 0);`;
      default:
        return `states[${a}].push(null);`;
    }
  });
  // Sum/avg states hold two slots per group: the sum and the count of non-null inputs.
  const stride = specs.map((s) => (s.call.name === 'sum' || s.call.name === 'avg' ? 2 : 1));
  // Sums of exact kinds (integers, scaled numerics) in doubles: a running double kept within
  // EXACT_STEP_MAX, overflowing into a bigint per group (b<a>), so any number of rows stays exact.
  const exactSum = specs.map((s) => (s.call.name === 'sum' || s.call.name === 'avg') && s.value!.rep === 'num' && isExactKind(s.call.args[0]!.type));
  specs.forEach((_, a) => {
    if (exactSum[a]) lines.push(`const b${a} = [];`);
  });
  const initBig =
    specs.map((_, a) => (exactSum[a] ? `b${a}.push(0n);` : '')).join(' ') +
    specs.map((sp) => (sp.scaleState === undefined ? '' : ` states[${sp.scaleState}].push(0);`)).join('');
  lines.push(`const newGroup = (${keys.map((_, i) => `k${i}`).join(', ')}) => { ${keys.map((_, i) => `keys[${i}].push(k${i});`).join(' ')} ${init.join(' ')} ${initBig} return n++; };`);
  if (global) lines.push('newGroup();');
  lines.push('for (const b of batches) {');
  lines.push('  const sel = b.selection; const len = sel === null ? b.length : sel.length;');
  lines.push('  __SETUP__');
  if (dictKeys !== null) {
    lines.push(`  const slotCount = ${dictKeys.map((d) => `(d${d}.length + 1)`).join(' * ')};`);
    lines.push(`  const slots = slotCount <= ${DICT_GROUP_SLOTS_MAX} ? new Int32Array(slotCount).fill(-1) : null;`);
  }
  lines.push('  for (let j = 0; j < len; j++) {');
  lines.push('    const i = sel === null ? j : sel[j];');
  for (const l of rows.rowOpen) lines.push(`    ${l}`);
  if (global) lines.push('    const g = 0;');
  else {
    const lookup = [
      ...keys.map((k, i) => `const k${i} = (${k.nullCode}) ? null : ${k.code};`),
      `const kk = ${keyString};`,
      `g = groups.get(kk); if (g === undefined) { g = newGroup(${keys.map((_, i) => `k${i}`).join(', ')}); groups.set(kk, g); }`,
    ].join(' ');
    lines.push('    let g;');
    if (dictKeys !== null) {
      const code = dictKeys.map((d, i) => `((${keys[i]!.nullCode}) ? d${d}.length : v${d}[i])`);
      const slot = code.slice(1).reduce((acc, c, i) => `(${acc}) * (d${dictKeys[i + 1]}.length + 1) + ${c}`, code[0]!);
      lines.push(`    const slot = slots === null ? -1 : ${slot};`);
      lines.push(`    g = slot < 0 ? -1 : slots[slot];`);
      lines.push(`    if (g < 0) { ${lookup} if (slot >= 0) slots[slot] = g; }`);
    } else {
      lines.push(`    { ${lookup} }`);
    }
  }
  specs.forEach((s, a) => {
    const st = `s${a}`;
    const at = stride[a] === 2 ? `g * 2` : 'g';
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
          // |sum| ≤ EXACT_STEP_MAX and |x| ≤ EXACT_STEP_MAX before the add: the double stays exact.
          lines.push(`      if (x > ${EXACT_STEP_MAX} || x < -${EXACT_STEP_MAX}) inexact = true;`);
          lines.push(`      let t = ${st}[${at}] + x; if (t > ${EXACT_STEP_MAX} || t < -${EXACT_STEP_MAX}) { b${a}[g] += BigInt(t); t = 0; }`);
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
  // Exact sums leave as bigints: the overflow plus what the double still holds.
  specs.forEach((_, a) => {
    if (exactSum[a]) lines.push(`for (let g = 0; g < n; g++) s${a}[g * 2] = b${a}[g] + BigInt(s${a}[g * 2]);`);
  });
  const layout: PartialLayout = {
    keys: keys.map((k) => columnKind(k)),
    states: [
      ...specs.map((s, a): PartialLayout['states'][number] => ({ kind: exactSum[a] ? 'bigint' : s.value === null || s.call.name === 'count' ? 'f64' : columnKind(s.value), stride: stride[a] === 2 ? 2 : 1 })),
      ...specs.flatMap((s): PartialLayout['states'][number][] => (s.scaleState === undefined ? [] : [{ kind: 'f64', stride: 1 }])),
    ],
  };
  lines.push(`return lib.packPartial({ n, keys, states, inexact }, ${kb.arg(layout)});`);
  const source = [kb.argBindings(), ...lines].join('\n').replace('__SETUP__', kb.setup.join('\n  '));
  return { source, columns: kb.columns, args: kb.args, specs, keyTypes: plan.groupBy.map((e) => e.type), layout };
}

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

/** Merges per-partition partial states into the aggregate's final rows. */
export function mergePartials(plan: Plan & { kind: 'aggregate' }, specs: AggSpec[], keyTypes: ColumnType[], partials: PartialArrays[]): Row[] {
  const global = keyTypes.length === 0;
  // One key groups by its value itself (SameValueZero: one group for NULL, for NaN, for ±0, as
  // PostgreSQL); several by a string made of them.
  const slots = new Map<unknown, number>();
  const keyRows: unknown[][] = [];
  const acc: unknown[][] = specs.map(() => []);
  /** Per spec with a scale state: the largest scale seen per group. */
  const seenScale: number[][] = specs.map(() => []);
  const ensure = (kk: unknown, keyVals: unknown[]): number => {
    let g = slots.get(kk);
    if (g === undefined) {
      g = keyRows.length;
      slots.set(kk, g);
      keyRows.push(keyVals);
      specs.forEach((s, a) => {
        const big = s.value?.rep === 'big' || isExactKind(s.call.args[0]?.type ?? T.float8);
        if (s.call.name === 'count' || s.call.name === 'count_star') acc[a]!.push(0);
        else if (s.call.name === 'sum' || s.call.name === 'avg') acc[a]!.push(big ? 0n : 0, 0);
        else acc[a]!.push(null);
        seenScale[a]!.push(0);
      });
    }
    return g;
  };
  if (global) ensure('', []);
  for (const part of partials) {
    for (let pg = 0; pg < part.n; pg++) {
      const keyVals = part.keys.map((k) => k[pg]);
      const kk = global ? '' : keyVals.length === 1 ? keyVals[0] : keyVals.map((v) => (v === null ? 'N' : `${typeof v}:${String(v)}`)).join('|');
      const g = ensure(kk, keyVals);
      specs.forEach((s, a) => {
        const st = part.states[a]!;
        const into = acc[a]!;
        switch (s.call.name) {
          case 'count':
          case 'count_star':
            into[g] = (into[g] as number) + (st[pg] as number);
            break;
          case 'sum':
          case 'avg': {
            const sum = st[pg * 2];
            const cur = into[g * 2];
            into[g * 2] = typeof cur === 'bigint' ? cur + (typeof sum === 'bigint' ? sum : BigInt(sum as number)) : (cur as number) + (sum as number);
            into[g * 2 + 1] = (into[g * 2 + 1] as number) + (st[pg * 2 + 1] as number);
            if (s.scaleState !== undefined) seenScale[a]![g] = Math.max(seenScale[a]![g]!, part.states[s.scaleState]![pg] as number);
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
      });
    }
  }
  return keyRows.map((keyVals, g) => [
    ...keyVals.map((v, i) => keyValue(keyTypes[i]!, v)),
    ...specs.map((s, a) => finish(s, acc[a]!, g, seenScale[a]![g]!)),
  ]);
}

function keyValue(t: ColumnType, v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (t.kind === 'bool') return v === true || v === 1;
  if (t.kind === 'numeric') return new Numeric(BigInt(v as number), t.scale ?? 0);
  return v as Value;
}

/** A group's final value; `seen` is the largest scale among its values when that varies by row. */
function finish(s: AggSpec, st: unknown[], g: number, seen: number): Value {
  const call = s.call;
  const argType = call.args[0]?.type ?? T.int8;
  const scale = s.value?.scale ?? 0;
  switch (call.name) {
    case 'count':
    case 'count_star':
      return BigInt(st[g] as number);
    case 'sum':
    case 'avg': {
      const sum = st[g * 2];
      const count = st[g * 2 + 1] as number;
      if (count === 0) return null;
      if (argType.kind === 'float8' || argType.kind === 'float4') {
        return call.name === 'sum' ? (sum as number) : (sum as number) / count;
      }
      let big = typeof sum === 'bigint' ? sum : BigInt(sum as number);
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
