// Which statements are role and privilege DDL (query/statements/roles.ts), and their compiled form.

import { asNode, nodeTag } from '../parse/ast.js';
import type { Statement } from '../parse/parser.js';
import type { CompiledStatement, EngineServices } from '../session/compile.js';
import type { QueryResult } from '../session/contract.js';
import { alterRole, createRole, dropRoles, grantOrRevoke, renameRole, type RoleServices } from './roles.js';

/** CREATE/ALTER/DROP ROLE, ALTER ROLE … RENAME TO, GRANT/REVOKE on tables and schemas. */
export function isRoleStatement(st: Statement): st is Statement & { kind: 'query' } {
  if (st.kind !== 'query') return false;
  const tag = nodeTag(st.ast);
  if (tag === 'RenameStmt') return asNode(st.ast, 'RenameStmt')!.renameType === 'OBJECT_ROLE';
  return tag === 'CreateRoleStmt' || tag === 'AlterRoleStmt' || tag === 'DropRoleStmt' || tag === 'GrantStmt';
}

export function compileRoleStatement(st: Statement & { kind: 'query' }, services: EngineServices): CompiledStatement {
  const roles: RoleServices = {
    store: services.store,
    ddl: services.ddl,
    sessionUser: services.system?.session.user ?? '',
    ...(services.security === undefined ? {} : { security: services.security }),
  };
  const ast = st.ast;
  const run = (): Promise<QueryResult> => {
    switch (nodeTag(ast)) {
      case 'CreateRoleStmt':
        return createRole(asNode(ast, 'CreateRoleStmt')!, roles);
      case 'AlterRoleStmt':
        return alterRole(asNode(ast, 'AlterRoleStmt')!, roles);
      case 'DropRoleStmt':
        return dropRoles(asNode(ast, 'DropRoleStmt')!, roles);
      case 'RenameStmt':
        return renameRole(asNode(ast, 'RenameStmt')!, roles);
      default:
        return grantOrRevoke(asNode(ast, 'GrantStmt')!, roles);
    }
  };
  // Catalog tables (pg_roles, relacl) change with it; the session's role is read when it runs.
  return { paramTypes: [], columns: null, changesCatalog: true, sessionDependent: true, run };
}
