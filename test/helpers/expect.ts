// Shared assertions of the tests.
import { expect } from "chai";

/** The error `p` rejects with; fails the test when it resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  expect.fail("expected a rejection, but the promise resolved");
}

/**
 * Asserts that `p` rejects with a message matching `re` (and, with `type`, an instance of it); fails when it
 * resolves. Returns the error.
 */
export async function expectReject(
  p: Promise<unknown>,
  re: RegExp,
  type?: abstract new (...args: never[]) => Error,
): Promise<Error> {
  const e = await rejectionOf(p);
  if (type !== undefined) expect(e).to.be.instanceOf(type);
  expect(e.message).to.match(re);
  return e;
}

/** Asserts that `p` rejects with a message containing every one of `words`; fails when it resolves. Returns the error. */
export async function expectRejectContaining(p: Promise<unknown>, ...words: string[]): Promise<Error> {
  const e = await rejectionOf(p);
  for (const w of words) expect(e.message, e.message).to.contain(w);
  return e;
}
