// Crypto instances share the process's worker pool (src/crypto/index.ts, sharedPool): opening and closing instances
// again and again starts no new workers (pools started and terminated in a loop crashed Node 22.23 with heap
// corruption), and a pool whose worker failed is replaced.
import { expect } from "chai";

import { loadCrypto, workerPoolsStarted } from "../../src/crypto/index.js";

describe("crypto: instances share one worker pool", function () {
  this.timeout(120_000);

  it("ten instances opened, used and closed in turn start at most one pool of their size", async function () {
    const c0 = await loadCrypto({ threads: 0 });
    const prv = new Uint8Array(32).fill(7);
    const items = [1n, 2n, 3n].map((m) => ({ message: m, signature: c0.sign(prv, m), publicKey: c0.publicKey(prv) }));
    const forged = { ...items[0], message: 99n };
    await c0.close();
    const before = workerPoolsStarted();
    for (let i = 0; i < 10; i++) {
      const c = await loadCrypto({ backend: "js", threads: 3 });
      expect(await c.verifyMany([...items, forged])).to.deep.equal([true, true, true, false]);
      await c.close();
    }
    expect(workerPoolsStarted() - before).to.be.at.most(1);
  });
});
