// The namestore's SQL names — eon_register(name), eon_name_taken(name), eon_release(name, token) —
// resolved so a statement calling them fails at once with 0A000 and the REST and CLI forms to use.
// A registration is a consensus round (network round trips); scalar functions here run
// synchronously per row, and running it ahead of the plan would register names a WHERE clause
// never reached, so SQL does not pretend to do it.

import { EonError } from '../../src/errors/index.js';
import type { TypeKind } from '../../src/types/index.js';
import type { FunctionDef, ScalarImpl } from './definition.js';

function unsupported(name: string, args: readonly TypeKind[], returns: TypeKind, instead: string): FunctionDef {
  const make = (): ScalarImpl => {
    throw new EonError('feature_not_supported', `${name}() cannot run inside a SQL statement: the namestore decides names by consensus across the cluster, which SQL functions here cannot wait for`, {
      hint: `Use ${instead}.`,
    });
  };
  return { name, args, returns, strict: true, volatile: true, make };
}

export const nameFunctions: readonly FunctionDef[] = [
  unsupported('eon_register', ['text'], 'bool', 'POST /v1/names/{name} (201 taken now, 409 already taken; an Idempotency-Key header makes retries safe) or `eon names register NAME`'),
  unsupported('eon_name_taken', ['text'], 'bool', 'GET /v1/names/{name} (200 taken, 404 free) or `eon names check NAME`'),
  unsupported('eon_release', ['text', 'text'], 'bool', 'DELETE /v1/names/{name} with the holder token in the X-Eon-Token header'),
];
