// Shared assertions of the tests.
import { expect } from "chai";

/**
 * Asserts that `p` rejects with a message matching `re` (and, with `type`, an instance of it); fails when it
 * resolves.
 */
export async function expectReject(
  p: Promise<unknown>,
  re: RegExp,
  type?: abstract new (...args: never[]) => Error,
): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (type !== undefined) expect(e).to.be.instanceOf(type);
    expect((e as Error).message).to.match(re);
    return;
  }
  expect.fail(`expected a rejection matching ${re}`);
}
