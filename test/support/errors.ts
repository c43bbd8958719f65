// What a test expects to fail: the EonError it fails with, or just its SQLSTATE.

import { EonError } from '../../src/errors/index.js';

/** The EonError the promise rejects with; any other rejection is rethrown, a success is an error. */
export async function eonErrorOf(p: Promise<unknown>, expected = 'expected an error'): Promise<EonError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EonError) return e;
    throw e;
  }
  throw new Error(expected);
}

/** The SQLSTATE of the EonError the promise rejects with. */
export async function sqlstateOf(p: Promise<unknown>): Promise<string> {
  return (await eonErrorOf(p)).sqlstate;
}
