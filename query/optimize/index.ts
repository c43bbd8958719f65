// The optimizer: rules applied bottom-up over the logical plan. Each rule lives in its own file
// and can be switched off by name (EON_OPTIMIZER_OFF=rule,rule) to test rules one by one.

import type { Plan } from '../plan/logical.js';
import { keyLookup } from './key-lookup.js';

type Rule = (plan: Plan) => Plan;

const RULES: readonly { name: string; rule: Rule }[] = [{ name: 'key_lookup', rule: keyLookup }];

const disabled = new Set((process.env.EON_OPTIMIZER_OFF ?? '').split(',').filter((s) => s !== ''));

export function optimize(plan: Plan): Plan {
  const withChildren = mapChildren(plan, optimize);
  let out = withChildren;
  for (const r of RULES) if (!disabled.has(r.name)) out = r.rule(out);
  return out;
}

function mapChildren(p: Plan, f: (p: Plan) => Plan): Plan {
  switch (p.kind) {
    case 'scan':
    case 'values':
      return p;
    case 'filter':
    case 'project':
    case 'aggregate':
    case 'window':
    case 'sort':
    case 'limit':
    case 'distinct':
    case 'cte_ref':
      return { ...p, input: f(p.input) } as Plan;
    case 'join':
    case 'setop':
      return { ...p, left: f(p.left), right: f(p.right) } as Plan;
  }
}
