// The fraud of test/e2e/eigenlayer.e2e.test.ts, shared with bench/gas.bench.ts: the consortium on EigenLayer's
// stand-ins (test/contracts/stake-fixtures.ts) with a cheater restaking 10 TETH and two co-signers 2 each; the
// cheater commits a tree that omits one user, the co-signers attest it, and the user's record becomes a real
// Groth16 fraud proof.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { Wallet } from "ethers";

import {
  Verdict,
  committedSet,
  ledgerDomain,
  packSignatures,
  rootsDigest,
  setBlobDigest,
  setSubject,
  signAttestation,
  type AssetCommitment,
} from "../../src/consortium/index.js";
import { SetStatus } from "../helpers/enums.js";
import { eigenLayerStake, type EigenLayerStakeOptions } from "../contracts/stake-fixtures.js";
import type { FixtureConnection } from "../contracts/ledger-fixture.js";
import { omissionSnapshot, proveOmission } from "./omission-fraud.js";

const E18 = 10n ** 18n;
/** The asset the member owes in: the strategy's underlying token (claims are paid in the asset's token). */
export const TETH_ASSET = 2;

/** The consortium on the stand-ins, TETH listed, the cheater and two co-signers staked. */
export async function eigenLayerConsortium(connection: FixtureConnection, options: EigenLayerStakeOptions = {}) {
  const { ethers } = connection;
  const f = await eigenLayerStake(connection, options);
  const adjudicator = await ethers.getContractAt("Adjudicator", f.adjudicatorAddress);
  const wiring = await adjudicator.wiring();
  const ledger = await ethers.getContractAt("CommitmentLedger", wiring.ledger);
  const reputation = await ethers.getContractAt("Reputation", wiring.reputation);
  await f.registry.connect(f.governance).listAsset(TETH_ASSET, await f.el.token.getAddress(), "TETH", 18);
  // The cheater restakes 10 TETH, each of the two co-signers 2 (quorum 3, at least 2 signers).
  const [cheater, ...operators] = f.members;
  await f.addStake(cheater, 10n * E18);
  for (const o of operators) await f.addStake(o, 2n * E18);
  return { ...f, adjudicator, ledger, reputation, cheater, operators };
}
/** What {@link eigenLayerConsortium} returns. */
export type EigenLayerSystem = Awaited<ReturnType<typeof eigenLayerConsortium>>;

/** The cheater commits a tree that omits bob and the two co-signers attest it; returns bob's proof and payout. */
export async function committedFraud(connection: FixtureConnection, c: EigenLayerSystem, workDir: string) {
  const { ethers, networkHelpers } = connection;
  const { time } = networkHelpers;
  const keyFrom = BigInt(await time.latest()) + 5n;
  const t = keyFrom + 30n;
  const balances = { alice: 2n * E18, bob: 15n * 10n ** 17n, carol: 7n * 10n ** 17n };
  const bobPayout = Wallet.createRandom().address;
  const snap = await omissionSnapshot({
    workDir,
    member: c.cheater.address,
    t,
    balances,
    victim: "bob",
    payouts: { bob: bobPayout },
    asset: { id: TETH_ASSET, symbol: "TETH", token: await c.el.token.getAddress(), decimals: 18 },
  });
  await c.registry.connect(c.cheater).registerKey(snap.key.keyHash, snap.key.ax, snap.key.ay, keyFrom);
  await time.increaseTo(t + 40n);
  const commitments: AssetCommitment[] = [snap.commitment];
  await c.ledger.connect(c.cheater).commit(t, commitments);
  const domain = ledgerDomain((await ethers.provider.getNetwork()).chainId, await c.ledger.getAddress());
  const attestation = {
    subject: setSubject(c.cheater.address, t),
    verdict: Verdict.Solvent,
    rootsDigest: rootsDigest(commitments),
    blobDigest: setBlobDigest(commitments),
  };
  const signers = [...c.operators].sort((x, y) => (BigInt(x.address) < BigInt(y.address) ? -1 : 1));
  const signatures = packSignatures(
    await Promise.all(signers.map((o: HardhatEthersSigner) => signAttestation(o, domain, attestation))),
  );
  await c.ledger.attestCommitment(
    c.cheater.address,
    t,
    Verdict.Solvent,
    attestation.rootsDigest,
    attestation.blobDigest,
    signatures,
  );
  expect((await c.ledger.setOf(c.cheater.address, t)).status).to.equal(SetStatus.Finalized);
  const { proof } = await proveOmission(snap);
  const payout = snap.victimPayout;
  if (payout === null) throw new Error("bob's record carries no payout opening");
  const set = await committedSet(ethers.provider, await c.ledger.getAddress(), c.cheater.address, t);
  return { proof, payout, set: set.commitments, claim: balances.bob };
}
