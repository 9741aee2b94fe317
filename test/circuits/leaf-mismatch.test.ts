// Witness tests of LeafMismatch(4) (same templates as the production LeafMismatch(32)): the frauds it must
// prove, one failing case per constraint family (witness-calculator asserts), mutated witnesses a malicious
// prover could write (each must violate the R1CS), and a sweep showing no single wire is free.
import { expect } from "chai";

import {
  expectRejected as expectRejectedBy,
  KEY_DOMAIN,
  NULLIFIER_DOMAIN,
  P,
  SUBGROUP_ORDER,
  buildTree,
  compileTestCircuit,
  freeWires,
  mutate,
  packContext,
  pathOf,
  recordMessage,
  violations,
  witness,
  type Crypto,
  type Node,
  type Record6,
  type Signals,
  type TestCircuit,
} from "./helpers.js";
import { circomlibOracle } from "../helpers/circomlib-oracle.js";

const D = 4;
const PRV_MEMBER = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const PRV_OTHER = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
/** A payout commitment (any field element: the contract opens it with keccak256). */
const PAYOUT_HASH = 0x0c0ffee70997970c51812dc3a010c7d01b50e0d17dc79c8aaaabbbbccccn;

interface Case {
  record: Record6;
  /** The tree node at record.slot in the committed tree. */
  leaf: Node;
  /** Other populated leaves. */
  others?: Map<number, Node>;
  /** Sign with this key instead of the member's. */
  signer?: Uint8Array;
  /** Malformed mode: the index of the out-of-range sum (0 leaf, 1..D siblings, D+1..2D path sums). */
  badIndex?: number;
  /** The claim to put in the context (default: what the circuit computes). */
  claim?: bigint;
}

let crypto: Crypto;
let circuit: TestCircuit;

function baseRecord(): Record6 {
  return {
    member: 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266n,
    asset: 7n,
    t: 1_700_000_000n,
    slot: 5n,
    accountKey: 123456789012345678901234567890n,
    balance: 1000n,
    payoutHash: PAYOUT_HASH,
  };
}

/** The claim the circuit books: the shortfall of this account's own leaf, else the balance. */
function claimOf(r: Record6, leaf: Node, malformed: boolean): bigint {
  const own = !malformed && crypto.poseidon([r.accountKey, leaf.s]) === leaf.h;
  return own ? r.balance - leaf.s : r.balance;
}

/** Circuit input for a case: the record signed by the member, the leaf and path in a tree with other users. */
function inputFor(k: Case): Signals {
  const r = k.record;
  const leaves = new Map<number, Node>(k.others ?? defaultOthers());
  leaves.set(Number(r.slot), k.leaf);
  const levels = buildTree(crypto, D, leaves);
  const root = levels[D][0];
  const siblings = pathOf(levels, Number(r.slot));
  const [Ax, Ay] = crypto.publicKey(PRV_MEMBER);
  const m = recordMessage(crypto, r);
  const sig = crypto.sign(k.signer ?? PRV_MEMBER, m);
  const malformed = k.badIndex !== undefined;
  return {
    rootHash: root.h,
    keyHash: crypto.poseidon([KEY_DOMAIN, Ax, Ay]),
    member: r.member,
    context: packContext(r.asset, r.t, k.claim ?? claimOf(r, k.leaf, malformed)),
    nullifier: crypto.poseidon([NULLIFIER_DOMAIN, m]),
    payoutHash: r.payoutHash,
    slot: r.slot,
    accountKey: r.accountKey,
    balance: r.balance,
    Ax,
    Ay,
    R8x: sig.R8x,
    R8y: sig.R8y,
    S: sig.S,
    leafHash: k.leaf.h,
    leafSum: k.leaf.s,
    siblingHashes: siblings.map((n) => n.h),
    siblingSums: siblings.map((n) => n.s % P),
    malformed: malformed ? 1n : 0n,
    badIndex: BigInt(k.badIndex ?? 0),
  };
}

function defaultOthers(): Map<number, Node> {
  return new Map([
    [0, { h: crypto.poseidon([111n, 50n]), s: 50n }],
    [4, { h: crypto.poseidon([222n, 70n]), s: 70n }],
    [9, { h: crypto.poseidon([333n, 900n]), s: 900n }],
  ]);
}

function honestLeaf(r: Record6, s = r.balance): Node {
  return { h: crypto.poseidon([r.accountKey, s]), s };
}

/** Expects the witness calculator to reject the input, naming the template whose assert failed. */
function expectRejected(input: Signals, template: RegExp): Promise<void> {
  return expectRejectedBy(circuit, input, template);
}

describe("LeafMismatch circuit (D = 4)", function () {
  this.timeout(180_000);
  let valid: Signals;
  let validWitness: bigint[];

  before(async function () {
    crypto = await circomlibOracle();
    circuit = await compileTestCircuit(
      "leaf-mismatch-4",
      "leaf-mismatch.circom",
      "component main {public [rootHash, keyHash, context, nullifier, payoutHash]} = LeafMismatch(4);",
    );
    const r = baseRecord();
    valid = inputFor({ record: r, leaf: honestLeaf(r, 400n) });
    validWitness = await witness(circuit, valid);
  });

  describe("proves fraud", function () {
    it("for a missing user: the slot is empty", async function () {
      const w = await witness(circuit, inputFor({ record: baseRecord(), leaf: { h: 0n, s: 0n } }));
      expect(violations(circuit.r1cs, w)).to.deep.equal([]);
    });

    it("for a missing user: the slot holds another account", async function () {
      const leaf = { h: crypto.poseidon([999n, 1000n]), s: 1000n };
      const w = await witness(circuit, inputFor({ record: baseRecord(), leaf }));
      expect(violations(circuit.r1cs, w)).to.deep.equal([]);
    });

    it("for a missing user with a zero balance in an empty slot", async function () {
      const r = { ...baseRecord(), balance: 0n };
      const w = await witness(circuit, inputFor({ record: r, leaf: { h: 0n, s: 0n } }));
      expect(violations(circuit.r1cs, w)).to.deep.equal([]);
    });

    it("for an under-reported balance (leaf sum one below the signed balance)", async function () {
      const r = baseRecord();
      const w = await witness(circuit, inputFor({ record: r, leaf: honestLeaf(r, r.balance - 1n) }));
      expect(violations(circuit.r1cs, w)).to.deep.equal([]);
    });

    it("for a leaf whose hash carries the signed balance but whose sum does not", async function () {
      const r = baseRecord();
      const leaf = { h: crypto.poseidon([r.accountKey, r.balance]), s: 0n };
      const w = await witness(circuit, inputFor({ record: r, leaf }));
      expect(violations(circuit.r1cs, w)).to.deep.equal([]);
    });

    it("at the highest slot with the largest balance and sums near 2^128", async function () {
      const r = { ...baseRecord(), slot: 15n, balance: (1n << 96n) - 1n, asset: 2n ** 32n - 1n, t: 2n ** 64n - 1n };
      const big = { h: 42n, s: (1n << 126n) + 5n };
      const others = new Map([[3, big]]);
      const w = await witness(circuit, inputFor({ record: r, leaf: honestLeaf(r, r.balance - 10n), others }));
      expect(violations(circuit.r1cs, w)).to.deep.equal([]);
    });

    it("books the shortfall of an under-reported leaf, not the balance", async function () {
      const r = baseRecord();
      const leaf = honestLeaf(r, 400n);
      await expectRejected(inputFor({ record: r, leaf, claim: r.balance }), /LeafMismatch_/);
      const w = await witness(circuit, inputFor({ record: r, leaf, claim: 600n }));
      expect(violations(circuit.r1cs, w)).to.deep.equal([]);
    });

    it("the valid witness leaves no wire free (every single-wire change breaks a constraint)", function () {
      expect(violations(circuit.r1cs, validWitness)).to.deep.equal([]);
      // The one benign freedom: IsZero's hint `inv` when its input is 0 (then out = 1 whatever inv is, and inv
      // feeds nothing else). It occurs in ForceEqualIfEnabled (equal points), in the IsEqual of an own leaf, in the
      // malformed-mode selector of index 0 and in the high-part test of the selected sum.
      const names = new Map([...circuit.wires].map(([name, wire]) => [wire, name]));
      const free = freeWires(circuit.r1cs, validWitness).map((w) => names.get(w) ?? `wire ${w}`);
      expect(free.filter((n) => !n.endsWith(".inv"))).to.deep.equal([]);
      expect(free).to.have.length(5);
    });
  });

  describe("proves a malformed path (malformed = 1): every record under it is owed its balance", function () {
    it("a sibling sum >= 2^128 (badIndex of that sibling)", async function () {
      const others = new Map([[4, { h: 1n, s: 1n << 128n }]]);
      const w = await witness(circuit, inputFor({ record: baseRecord(), leaf: { h: 0n, s: 0n }, others, badIndex: 1 }));
      expect(violations(circuit.r1cs, w)).to.deep.equal([]);
    });

    it("a wrapped (negative) sibling sum that cancels the leaf's, with the account's own leaf", async function () {
      const r = baseRecord();
      const others = new Map([[4, { h: 1n, s: P - 600n }]]);
      const w = await witness(circuit, inputFor({ record: r, leaf: honestLeaf(r), others, badIndex: 1 }));
      expect(violations(circuit.r1cs, w)).to.deep.equal([]);
    });

    it("a leaf sum >= 2^128 (badIndex 0)", async function () {
      const w = await witness(circuit, inputFor({ record: baseRecord(), leaf: { h: 5n, s: 1n << 128n }, badIndex: 0 }));
      expect(violations(circuit.r1cs, w)).to.deep.equal([]);
    });

    it("a path sum >= 2^128 from siblings each below 2^128 (badIndex of the root sum)", async function () {
      const half = 1n << 127n;
      const others = new Map([
        [4, { h: 1n, s: half }],
        [8, { h: 2n, s: half }],
      ]);
      const input = inputFor({ record: baseRecord(), leaf: { h: 0n, s: 0n }, others, badIndex: 2 * D });
      const w = await witness(circuit, input);
      expect(violations(circuit.r1cs, w)).to.deep.equal([]);
    });

    it("refuses the malformed mode on a well-formed path, whatever the index", async function () {
      const r = baseRecord();
      for (let i = 0; i <= 2 * D; i++) {
        await expectRejected(inputFor({ record: r, leaf: honestLeaf(r), badIndex: i }), /LeafMismatch_/);
      }
    });

    it("refuses an index that points at an in-range sum of a malformed path", async function () {
      const others = new Map([[4, { h: 1n, s: 1n << 128n }]]);
      // Index 2 is the sibling at level 1, which is in range.
      const input = inputFor({ record: baseRecord(), leaf: { h: 0n, s: 0n }, others, badIndex: 2 });
      await expectRejected(input, /LeafMismatch_/);
    });

    it("refuses an index outside [0, 2D], a mode other than 0 or 1, and an index in the well-formed mode", async function () {
      const r = baseRecord();
      const others = new Map([[4, { h: 1n, s: 1n << 128n }]]);
      const bad = inputFor({ record: r, leaf: { h: 0n, s: 0n }, others, badIndex: 1 });
      await expectRejected({ ...bad, badIndex: BigInt(2 * D + 1) }, /LeafMismatch_/);
      await expectRejected({ ...bad, malformed: 2n }, /LeafMismatch_/);
      await expectRejected({ ...valid, badIndex: 3n }, /LeafMismatch_/);
    });

    it("refuses a malformed-mode claim other than the balance", async function () {
      const r = baseRecord();
      const others = new Map([[4, { h: 1n, s: 1n << 128n }]]);
      const input = inputFor({ record: r, leaf: honestLeaf(r, 400n), others, badIndex: 1, claim: 600n });
      await expectRejected(input, /LeafMismatch_/);
    });
  });

  describe("rejects (witness calculator)", function () {
    it("an honest leaf", async function () {
      const r = baseRecord();
      await expectRejected(inputFor({ record: r, leaf: honestLeaf(r) }), /LeafMismatchCondition/);
    });

    it("an honest leaf holding more than the signed balance", async function () {
      const r = baseRecord();
      const input = inputFor({ record: r, leaf: honestLeaf(r, r.balance + 1n), claim: r.balance });
      await expectRejected(input, /LeafMismatchCondition/);
    });

    it("a record signed by another key", async function () {
      const k = { record: baseRecord(), leaf: { h: 0n, s: 0n }, signer: PRV_OTHER };
      await expectRejected(inputFor(k), /ForceEqualIfEnabled|EdDSAPoseidonVerifier/);
    });

    it("another key that signed the record but does not hash to keyHash", async function () {
      const input = inputFor({ record: baseRecord(), leaf: { h: 0n, s: 0n }, signer: PRV_OTHER });
      const [Bx, By] = crypto.publicKey(PRV_OTHER);
      await expectRejected({ ...input, Ax: Bx, Ay: By }, /LeafMismatch_/);
    });

    for (const field of ["member", "asset", "t", "slot", "accountKey", "balance", "payoutHash"] as const) {
      it(`a tampered record field: ${field}`, async function () {
        const r = baseRecord();
        const input = inputFor({ record: r, leaf: { h: 0n, s: 0n } });
        const t = { ...r, [field]: r[field] + 1n };
        const tampered: Signals = {
          ...input,
          member: t.member,
          context: packContext(t.asset, t.t, t.balance),
          slot: t.slot,
          accountKey: t.accountKey,
          balance: t.balance,
          payoutHash: t.payoutHash,
        };
        await expectRejected(tampered, /ForceEqualIfEnabled|EdDSAPoseidonVerifier/);
      });
    }

    it("a signature with S + l (S not below the subgroup order)", async function () {
      const input = inputFor({ record: baseRecord(), leaf: { h: 0n, s: 0n } });
      await expectRejected({ ...input, S: BigInt(input.S as bigint) + SUBGROUP_ORDER }, /EdDSAPoseidonVerifier/);
    });

    it("a nullifier that is not the record's", async function () {
      const input = inputFor({ record: baseRecord(), leaf: { h: 0n, s: 0n } });
      await expectRejected({ ...input, nullifier: BigInt(input.nullifier as bigint) + 1n }, /LeafMismatch_/);
    });

    it("a path that does not reach the root", async function () {
      const input = inputFor({ record: baseRecord(), leaf: { h: 0n, s: 0n } });
      const hs = [...(input.siblingHashes as bigint[])];
      hs[2] += 1n;
      await expectRejected({ ...input, siblingHashes: hs }, /LeafMismatch_/);
    });

    it("a leaf other than the one the path commits to", async function () {
      const r = baseRecord();
      const input = inputFor({ record: r, leaf: honestLeaf(r) });
      await expectRejected({ ...input, leafSum: 400n, leafHash: honestLeaf(r, 400n).h }, /LeafMismatch_/);
    });

    it("a sibling sum >= 2^128 in the well-formed mode, even when the tree is built over it", async function () {
      const others = new Map([[4, { h: 1n, s: 1n << 128n }]]);
      await expectRejected(inputFor({ record: baseRecord(), leaf: { h: 0n, s: 0n }, others }), /Num2Bits/);
    });

    it("a negative (wrapped) sibling sum that cancels the leaf's", async function () {
      const r = baseRecord();
      const others = new Map([[4, { h: 1n, s: P - 600n }]]);
      await expectRejected(inputFor({ record: r, leaf: honestLeaf(r, 600n), others }), /Num2Bits/);
    });

    it("a leaf sum >= 2^128", async function () {
      const r = baseRecord();
      await expectRejected(inputFor({ record: r, leaf: { h: 5n, s: 1n << 128n } }), /Num2Bits/);
    });

    it("a root sum >= 2^128 from siblings each below 2^128", async function () {
      const half = 1n << 127n;
      const others = new Map([
        [4, { h: 1n, s: half }],
        [8, { h: 2n, s: half }],
      ]);
      await expectRejected(inputFor({ record: baseRecord(), leaf: { h: 0n, s: 0n }, others }), /Num2Bits/);
    });

    it("a balance >= 2^96", async function () {
      const r = { ...baseRecord(), balance: 1n << 96n };
      await expectRejected(inputFor({ record: r, leaf: { h: 0n, s: 0n } }), /Num2Bits/);
    });

    it("a balance >= 2^96 behind a small shortfall claim", async function () {
      const r = { ...baseRecord(), balance: 1n << 96n };
      await expectRejected(inputFor({ record: r, leaf: honestLeaf(r, r.balance - 5n) }), /Num2Bits/);
    });

    it("a slot outside the tree (slot = 2^D)", async function () {
      const r = baseRecord();
      const input = inputFor({ record: r, leaf: { h: 0n, s: 0n } });
      // Re-sign the record at slot 2^D; slot 0 is the path the bits would pick.
      const out = { ...r, slot: 16n };
      const m = recordMessage(crypto, out);
      const sig = crypto.sign(PRV_MEMBER, m);
      const moved: Signals = {
        ...input,
        slot: 16n,
        nullifier: crypto.poseidon([NULLIFIER_DOMAIN, m]),
        R8x: sig.R8x,
        R8y: sig.R8y,
        S: sig.S,
      };
      await expectRejected(moved, /Num2Bits/);
    });

    it("R8 off the curve", async function () {
      const input = inputFor({ record: baseRecord(), leaf: { h: 0n, s: 0n } });
      await expectRejected({ ...input, R8x: BigInt(input.R8x as bigint) + 1n }, /BabyCheck/);
    });

    it("A off the curve", async function () {
      const input = inputFor({ record: baseRecord(), leaf: { h: 0n, s: 0n } });
      await expectRejected({ ...input, Ax: BigInt(input.Ax as bigint) + 1n }, /BabyCheck/);
    });
  });

  describe("rejects mutated witnesses (R1CS)", function () {
    function expectViolated(changes: Record<string, bigint>): void {
      expect(violations(circuit.r1cs, validWitness)).to.deep.equal([]);
      const bad = violations(circuit.r1cs, mutate(circuit, validWitness, changes));
      expect(bad, "the mutated witness satisfies every constraint").to.have.length.greaterThan(0);
    }

    it("an honest leaf: the leaf sum raised to the signed balance", function () {
      const r = baseRecord();
      expectViolated({ "main.leafSum": r.balance, "main.leafHash": honestLeaf(r).h });
    });

    it("the mismatch flags flipped (honest and under of LeafMismatchCondition)", function () {
      for (const flag of ["honest", "under"]) {
        const names = [...circuit.wires.keys()].filter(
          (n) => n.endsWith(`.${flag}`) && n.includes("LeafMismatchCondition"),
        );
        expect(names, `signal ${flag} not found in the witness`).to.have.length(1);
        const v = validWitness[circuit.wires.get(names[0])!];
        expect(v).to.equal(1n);
        expectViolated({ [names[0]]: 0n });
      }
    });

    it("another payout hash (bound by the signed message)", function () {
      expectViolated({ "main.payoutHash": PAYOUT_HASH + 1n });
    });

    it("the malformed mode switched on for the valid (well-formed) witness", function () {
      expectViolated({ "main.malformed": 1n });
    });

    it("another claim (context)", function () {
      const r = baseRecord();
      expectViolated({ "main.context": packContext(r.asset, r.t, r.balance + 1n) });
    });

    it("another nullifier, key hash, member (private, bound by the signed message) or root", function () {
      for (const name of ["main.nullifier", "main.keyHash", "main.member", "main.rootHash"]) {
        expectViolated({ [name]: validWitness[circuit.wires.get(name)!] + 1n });
      }
    });

    it("a sibling sum moved by 2^128 or wrapped below zero", function () {
      const name = "main.siblingSums[1]";
      const v = validWitness[circuit.wires.get(name)!];
      expectViolated({ [name]: v + (1n << 128n) });
      expectViolated({ [name]: v - 1n });
    });

    it("R8 or A moved off the curve", function () {
      for (const name of ["main.R8x", "main.Ax"]) {
        expectViolated({ [name]: validWitness[circuit.wires.get(name)!] + 1n });
      }
    });
  });
});
