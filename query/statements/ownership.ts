// Who may run DDL on which relation, as PostgreSQL 15 decides it: CREATE in schema public for new
// tables, views and sequences (its owner, the bootstrap superuser, and roles granted CREATE),
// ownership for DROP and ALTER, the TRUNCATE privilege for TRUNCATE. A relation made by a role
// other than the bootstrap superuser is recorded as that role's (the owner of one without an
// entry is the bootstrap superuser, so a node's own DDL needs no extra catalog change).

import type { Node } from '@pgsql/types';
import { BOOTSTRAP_ROLE_OID, relationSecurity, withRelation } from '../../storage/index.js';
import { asNode, baseName, nodeTag } from '../parse/ast.js';
import type { Statement } from '../parse/parser.js';
import { StatementContext } from '../bind/context.js';
import { bindQuery } from '../bind/bind-select.js';
import type { CompiledStatement, EngineServices } from '../session/compile.js';

interface Guard {
  readonly before: () => void;
  /** Relation names the statement creates: recorded as the session role's. */
  readonly creates: readonly string[];
}

/** Wraps a compiled DDL statement with its privilege check and ownership record; others pass unchanged. */
export function guardDdl(st: Statement, services: EngineServices, compiled: CompiledStatement): CompiledStatement {
  const security = services.security;
  if (security === undefined || st.kind !== 'query') return compiled;
  const guard = guardOf(st.ast, services);
  if (guard === null) return compiled;
  return {
    ...compiled,
    run: async (params, signal, writes) => {
      guard.before();
      const before = new Set(guard.creates.filter((n) => relationId(services, n) !== undefined));
      const result = await compiled.run(params, signal, writes);
      const owner = security.ownerOid;
      if (owner !== BOOTSTRAP_ROLE_OID) {
        for (const name of guard.creates) {
          const id = relationId(services, name);
          if (id === undefined || before.has(name)) continue;
          await services.ddl.changeSecurity(`owner of ${name}`, (doc) =>
            relationSecurity(doc, id)?.owner === owner ? null : withRelation(doc, id, { id, owner, grants: [] }),
          );
        }
      }
      return result;
    },
  };
}

function relationId(services: EngineServices, name: string): number | undefined {
  return services.store.getTable(name)?.id ?? services.store.getView(name)?.id;
}

function rangeNames(list: readonly Node[] | undefined): string[] {
  return (list ?? []).map((o) => asNode(o, 'RangeVar')?.relname ?? baseName(asNode(o, 'List')?.items));
}

function guardOf(ast: Node, services: EngineServices): Guard | null {
  const security = services.security!;
  const store = services.store;
  const owned = (names: readonly string[]): void => {
    for (const n of names) {
      const t = store.getTable(n);
      if (t !== undefined) security.requireOwner('table', t);
      const v = t === undefined ? store.getView(n) : undefined;
      if (v !== undefined) security.requireOwner('view', v);
    }
  };
  switch (nodeTag(ast)) {
    case 'CreateStmt':
      return { before: () => security.requireSchemaCreate(), creates: [asNode(ast, 'CreateStmt')!.relation?.relname ?? ''] };
    case 'CreateSeqStmt':
      return { before: () => security.requireSchemaCreate(), creates: [] };
    case 'ViewStmt': {
      const v = asNode(ast, 'ViewStmt')!;
      const name = v.view?.relname ?? '';
      return {
        before: () => {
          security.requireSchemaCreate();
          if (v.replace === true) owned([name]);
        },
        creates: [name],
      };
    }
    case 'CreateTableAsStmt':
    case 'SelectStmt': {
      const ctas = asNode(ast, 'CreateTableAsStmt');
      const select = asNode(ast, 'SelectStmt');
      const into = ctas?.into ?? select?.intoClause;
      if (into === undefined) return null;
      const query: Node = ctas?.query ?? { SelectStmt: { ...select!, intoClause: undefined } };
      return {
        before: () => {
          security.requireSchemaCreate();
          // The rows come from a query: the role must be allowed to read what it reads.
          const ctx = new StatementContext(store, []);
          bindQuery(query, ctx);
          security.checkAccesses(ctx.accesses);
        },
        creates: [into.rel?.relname ?? ''],
      };
    }
    case 'DropStmt': {
      const d = asNode(ast, 'DropStmt')!;
      if (d.removeType !== 'OBJECT_TABLE' && d.removeType !== 'OBJECT_VIEW') return null;
      const names = (d.objects ?? []).map((o) => baseName(asNode(o, 'List')?.items));
      return { before: () => owned(names), creates: [] };
    }
    case 'IndexStmt': {
      const names = [asNode(ast, 'IndexStmt')!.relation?.relname ?? ''];
      return { before: () => owned(names), creates: [] };
    }
    case 'AlterTableStmt': {
      const names = [asNode(ast, 'AlterTableStmt')!.relation?.relname ?? ''];
      return { before: () => owned(names), creates: [] };
    }
    case 'RenameStmt': {
      const r = asNode(ast, 'RenameStmt')!;
      if (r.relation === undefined) return null;
      return { before: () => owned([r.relation?.relname ?? '']), creates: [] };
    }
    case 'TruncateStmt': {
      const names = rangeNames(asNode(ast, 'TruncateStmt')!.relations);
      return {
        before: () => {
          for (const n of names) {
            const t = store.getTable(n);
            if (t !== undefined) security.requirePrivilege('table', t, 'TRUNCATE');
          }
        },
        creates: [],
      };
    }
    default:
      return null;
  }
}
