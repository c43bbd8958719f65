// EXPLAIN text: the plan tree, one operator per line, with where each part runs.

import { typeName } from '../../src/types/index.js';
import { assertNever, type Expr } from './expr.js';
import { planChildren, subqueryPlans, type Plan } from './logical.js';
import type { FragmentInfo } from '../distribute/index.js';
import type { OperatorStats } from '../execute/context.js';

type Fragments = ReadonlyMap<Plan, FragmentInfo>;
type Stats = ReadonlyMap<Plan, OperatorStats>;

/**
 * One line per operator, its details indented below it. With `stats` (EXPLAIN ANALYZE), each
 * operator line ends with its measured rows, loops and time; times include the operator's inputs,
 * and a fragment's time covers the data engines' run and turning their batches into rows.
 */
export function explainPlan(plan: Plan, partitions: number, fragments: Fragments, stats?: Stats): string[] {
  const lines: string[] = [];
  walk(plan, 0, lines, partitions, fragments, stats);
  return lines;
}

function walk(p: Plan, depth: number, out: string[], partitions: number, fragments: Fragments, stats: Stats | undefined): void {
  const at = out.length;
  describe(p, depth, out, partitions, fragments, stats);
  const s = stats?.get(p);
  // Operators inside a fragment run in the data engines: the fragment's root has their time.
  if (stats !== undefined && (s !== undefined || !fragments.has(p))) {
    out[at] += s === undefined ? ' (never executed)' : ` (actual rows=${s.rows} loops=${s.loops} time=${s.ms.toFixed(3)} ms)`;
  }
}

function describe(p: Plan, depth: number, out: string[], partitions: number, fragments: Fragments, stats: Stats | undefined): void {
  const pad = depth === 0 ? '' : ' '.repeat(depth * 2 - 2) + '->  ';
  const cols = p.columns.length;
  const frag = fragments.has(p) ? `  [fragment × ${partitions} partitions, data engines]` : '';
  switch (p.kind) {
    case 'scan':
      if (p.keyLookup !== null) {
        out.push(`${pad}Point Lookup on ${p.table.name} (primary key = ${p.keyLookup.map(exprText).join(', ')})`);
      } else if (p.keyRange !== undefined && !fragments.has(p)) {
        const { values, lower, upper } = p.keyRange;
        const name = (k: number): string => p.table.columns[p.table.primaryKey[k]!]!.name;
        const conds = values.map((v, i) => `${name(i)} = ${exprText(v)}`);
        if (lower !== undefined) conds.push(`${name(values.length)} ${lower.inclusive ? '>=' : '>'} ${exprText(lower.expr)}`);
        if (upper !== undefined) conds.push(`${name(values.length)} ${upper.inclusive ? '<=' : '<'} ${exprText(upper.expr)}`);
        out.push(`${pad}Key Range Scan on ${p.table.name} (${conds.join(', ')})`);
      } else if (p.indexLookup !== undefined) {
        const { index, values, lower, upper } = p.indexLookup;
        const name = (k: number): string => p.table.columns[index.columns[k]!]!.name;
        const conds = values.map((v, i) => `${name(i)} = ${exprText(v)}`);
        if (lower !== undefined) conds.push(`${name(values.length)} ${lower.inclusive ? '>=' : '>'} ${exprText(lower.expr)}`);
        if (upper !== undefined) conds.push(`${name(values.length)} ${upper.inclusive ? '<=' : '<'} ${exprText(upper.expr)}`);
        out.push(`${pad}Index Scan using ${index.name} on ${p.table.name} (${conds.join(', ')})`);
      } else {
        const probe = fragments.get(p)?.probe === true ? ', probing the broadcast joins above' : '';
        out.push(`${pad}Partition Scan on ${p.table.name} (${partitions} partitions)${frag.replace('data engines', `data engines${probe}`)}`);
      }
      const info = fragments.get(p);
      const detail = ' '.repeat(depth * 2 + 2);
      const columns = info?.columns ?? p.project?.map((o) => p.table.columns[o]!.name);
      if (columns !== undefined) out.push(`${detail}Columns: ${columns.length === 0 ? '(none: row count only)' : columns.join(', ')}`);
      if (info === undefined || info.columns === undefined) {
        if (p.filter !== null) out.push(`${detail}Filter: ${exprText(p.filter)}`);
      } else {
        if (info.pushed != null) out.push(`${detail}Filter: ${exprText(info.pushed)}`);
        if (info.residual != null) out.push(`${detail}Filter (coordinator): ${exprText(info.residual)}`);
      }
      if (info?.keyFilter !== undefined) out.push(`${detail}Key filter: ${info.keyFilter} in the join's other side`);
      if (info?.topNBound !== undefined) out.push(`${detail}Top-N bound: ${info.topNBound} (tasks drop rows that rank after the LIMIT's worst kept row)`);
      if (info?.nodes !== undefined) {
        const work = info.nodeWork;
        const nodes = [...info.nodes]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([node, n]) => {
            const w = work?.get(node);
            if (w === undefined) return `${node} (${n})`;
            return `${node} (${n}: ${w.tasks} tasks, ${w.ms.toFixed(1)} ms${w.bytes > 0 ? `, ${(w.bytes / 1024).toFixed(1)} kB sent` : ''})`;
          });
        out.push(`${detail}Nodes: ${nodes.join(', ')} (partitions each reads${work === undefined ? '' : ': tasks run there, their summed time, the result bytes sent here'})`);
      }
      initPlans(p, depth, out, partitions, fragments, stats);
      return;
    case 'values':
      out.push(`${pad}Values (${p.rows.length} rows)`);
      return;
    case 'filter':
      out.push(`${pad}Filter: ${exprText(p.predicate)}`);
      break;
    case 'project':
      out.push(`${pad}Project (${cols} columns)`);
      break;
    case 'aggregate':
      out.push(
        `${pad}${p.groupBy.length === 0 ? 'Aggregate' : 'Hash Aggregate'}${fragments.has(p) ? ' (final: merge partials)' : ''}` +
          (p.groupBy.length > 0 ? ` group by ${p.groupBy.map(exprText).join(', ')}` : '') +
          ` [${p.aggregates.map((a) => `${a.name === 'count_star' ? 'count(*)' : `${a.name}(${a.distinct ? 'DISTINCT ' : ''}${a.args.map(exprText).join(', ')})`}`).join(', ')}]`,
      );
      initPlans(p, depth, out, partitions, fragments, stats);
      if (fragments.get(p)?.overJoins === true) {
        out.push(`${' '.repeat(depth * 2 + 2)}->  Partial Aggregate over the joins below  [fragment × ${partitions} partitions, data engines]`);
        walk(p.input, depth + 2, out, partitions, fragments, stats);
        return;
      }
      if (fragments.has(p)) {
        out.push(`${' '.repeat(depth * 2 + 2)}->  Partial Aggregate  [fragment × ${partitions} partitions, data engines]`);
        // The scan under it is part of the fragment: only a key filter of its own is shown.
        const scanInfo = fragments.get(p.input);
        // The data engines scan the partitions whole: a key range the scan has is not used there.
        const input = p.input.kind === 'scan' && p.input.keyRange !== undefined ? (({ keyRange: _unused, ...scan }) => scan)(p.input) : p.input;
        const shown = {
          ...(scanInfo?.keyFilter === undefined ? {} : { keyFilter: scanInfo.keyFilter }),
          ...(scanInfo?.nodes === undefined ? {} : { nodes: scanInfo.nodes }),
          ...(scanInfo?.nodeWork === undefined ? {} : { nodeWork: scanInfo.nodeWork }),
        };
        walk(input, depth + 2, out, partitions, new Map([[input, shown]]), undefined);
        return;
      }
      break;
    case 'window':
      out.push(`${pad}WindowAgg [${p.windows.map((w) => (w.fn === 'aggregate' ? w.aggregate!.name : w.fn)).join(', ')}]`);
      break;
    case 'join':
      out.push(
        `${pad}${fragments.get(p)?.broadcast === true ? 'Broadcast ' : ''}${p.leftKeys.length > 0 ? 'Hash' : 'Nested Loop'} ${p.joinType === 'inner' ? '' : p.joinType[0]!.toUpperCase() + p.joinType.slice(1) + ' '}Join` +
          (p.leftKeys.length > 0 ? ` on ${p.leftKeys.map((k, i) => `${exprText(k)} = right.${exprText(p.rightKeys[i]!)}`).join(' AND ')}` : '') +
          (p.residual !== null ? ` filter ${exprText(p.residual)}` : ''),
      );
      break;
    case 'sort':
      out.push(`${pad}Sort by ${p.keys.map((k) => `${exprText(k.expr)}${k.descending ? ' DESC' : ''}`).join(', ')}`);
      break;
    case 'limit':
      out.push(`${pad}Limit${p.limit !== null ? ` ${exprText(p.limit)}` : ''}${p.offset !== null ? ` offset ${exprText(p.offset)}` : ''}`);
      break;
    case 'distinct':
      out.push(`${pad}Distinct`);
      break;
    case 'setop':
      out.push(`${pad}${p.op[0]!.toUpperCase()}${p.op.slice(1)}${p.all ? ' All' : ''}`);
      break;
    case 'cte_ref':
      out.push(`${pad}CTE Scan (cte ${p.id})`);
      break;
    case 'recursive_union':
      out.push(`${pad}Recursive Union${p.all ? ' All' : ''} (worktable ${p.worktable})`);
      break;
    case 'worktable':
      out.push(`${pad}WorkTable Scan (worktable ${p.id})`);
      break;
    case 'function_rows':
      out.push(`${pad}Function Scan on ${p.name}(${p.args.map(exprText).join(', ')})`);
      break;
    case 'lateral':
      out.push(`${pad}Nested Loop ${p.joinType === 'left' ? 'Left Join ' : ''}(lateral)${p.residual !== null ? ` filter ${exprText(p.residual)}` : ''}`);
      break;
    default:
      assertNever(p);
  }
  if (p.kind !== 'aggregate') initPlans(p, depth, out, partitions, fragments, stats);
  for (const c of planChildren(p)) walk(c, depth + 1, out, partitions, fragments, stats);
  // A LATERAL right side runs once per left row (not a child the fragments see).
  if (p.kind === 'lateral') walk(p.right, depth + 1, out, partitions, fragments, stats);
}

/** The uncorrelated subqueries of a node's own expressions, as PostgreSQL's InitPlans: run once, first. */
function initPlans(p: Plan, depth: number, out: string[], partitions: number, fragments: Fragments, stats: Stats | undefined): void {
  for (const plan of subqueryPlans(p)) {
    out.push(`${' '.repeat(depth * 2 + 2)}InitPlan (uncorrelated subquery, run once)`);
    walk(plan, depth + 2, out, partitions, fragments, stats);
  }
}

export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'const':
      return e.value === null ? 'NULL' : `${typeof e.value === 'string' ? `'${e.value}'` : String(e.value)}::${typeName(e.type)}`;
    case 'param':
      return `$${e.index + 1}`;
    case 'column':
      return e.name === '' ? `#${e.index}` : e.name;
    case 'outer':
      return `outer.${e.name}`;
    case 'call':
      return `${e.name}(${e.args.map(exprText).join(', ')})`;
    case 'binary':
      return `(${exprText(e.left)} ${e.op} ${exprText(e.right)})`;
    case 'and':
    case 'or':
      return `(${e.args.map(exprText).join(` ${e.kind.toUpperCase()} `)})`;
    case 'not':
      return `(NOT ${exprText(e.arg)})`;
    case 'is_null':
      return `(${exprText(e.arg)} IS ${e.negate ? 'NOT ' : ''}NULL)`;
    case 'is_distinct':
      return `(${exprText(e.left)} IS ${e.negate ? 'NOT ' : ''}DISTINCT FROM ${exprText(e.right)})`;
    case 'case':
      return `CASE ${e.whens.map((w) => `WHEN ${exprText(w.cond)} THEN ${exprText(w.result)}`).join(' ')} ELSE ${exprText(e.otherwise)} END`;
    case 'coalesce':
      return `COALESCE(${e.args.map(exprText).join(', ')})`;
    case 'cast':
      return `(${exprText(e.arg)})::${typeName(e.type)}`;
    case 'in_list':
      return `(${exprText(e.arg)} ${e.negate ? 'NOT ' : ''}IN (${e.list.map(exprText).join(', ')}))`;
    case 'like':
      return `(${exprText(e.arg)} ${e.negate ? 'NOT ' : ''}${e.caseInsensitive ? 'ILIKE' : 'LIKE'} ${exprText(e.pattern)})`;
    case 'subquery':
      return `${e.mode === 'exists' ? (e.negate ? 'NOT EXISTS ' : 'EXISTS ') : ''}(SubPlan${e.correlated ? ', correlated' : ''})`;
    case 'in_subquery':
      return `(${exprText(e.arg)} ${e.negate ? 'NOT ' : ''}IN (SubPlan${e.correlated ? ', correlated' : ''}))`;
    case 'quantified':
      return `(${exprText(e.arg)} op ${e.any ? 'ANY' : 'ALL'} (SubPlan${e.correlated ? ', correlated' : ''}))`;
    default:
      return assertNever(e);
  }
}
