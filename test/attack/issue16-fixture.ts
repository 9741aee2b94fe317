// Issue 16 attack fixture: the whole consortium on EigenLayer (deploy/Consortium.ts's
// buildConsortiumEigenLayerModule with the REAL LeafMismatch32 verifier) over the TEST-ONLY EigenLayer stand-ins, a
// token asset listed with the strategy's underlying token (so restitution is paid in the claim's token), a cheating
// member staking through its own operator, three honest co-signers, and helpers for the omission fraud (real
// snapshot, real quorum attestation, real Groth16 proof).
import { mkdir } from "node:fs/promises";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { AbiCoder } from "ethers";

import { FRAUD_VERIFIER, buildConsortiumEigenLayerModule } from "../../deploy/Consortium.js";
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
  type FraudProofStruct,
} from "../../src/consortium/index.js";
import { WAD, deployEigenLayerStandIns, type EigenLayerStandIns } from "../helpers/eigenlayer.js";
import type { FixtureConnection } from "../contracts/ledger-fixture.js";
import { omissionSnapshot, proveOmission, type OmissionSnapshot, type SnapshotAsset } from "../e2e/omission-fraud.js";

export const E18 = 10n ** 18n;
/** The token asset (the strategy's underlying token). */
export const TOKEN_ASSET_ID = 2;
export const LOOK_AHEAD = 10n;
/** The cheating member's restaked stake and each co-signer's. */
export const MEMBER_STAKE = 10n * E18;
export const COSIGNER_STAKE = 2n * E18;

export interface ElConsortiumOptions {
  /** v1.13 slash resolution delay in blocks (0: v1.12). */
  slashResolutionDelayBlocks?: number;
  /** The adapter's restitutionDelay in seconds (default 0, the module's default). */
  restitutionDelay?: bigint;
  /** Module id (each deployment in one network needs its own). */
  moduleId?: string;
}

export async function elConsortium(connection: FixtureConnection, options: ElConsortiumOptions = {}) {
  const { ethers, ignition } = connection;
  const signers = await ethers.getSigners();
  const [governance, member, attacker, prover, c1, c2, c3] = [
    signers[0],
    signers[3],
    signers[4],
    signers[6],
    signers[8],
    signers[9],
    signers[10],
  ];
  const el = await deployEigenLayerStandIns(ethers, {
    deployer: governance,
    slashResolutionDelayBlocks: options.slashResolutionDelayBlocks ?? 0,
  });
  await el.mine(6);
  const module = buildConsortiumEigenLayerModule(options.moduleId ?? "Issue16EigenLayer", FRAUD_VERIFIER);
  const d = await ignition.deploy(module, {
    parameters: {
      [module.id]: {
        allocationManager: await el.allocationManager.getAddress(),
        strategyManager: await el.strategyManager.getAddress(),
        lookAheadBlocks: LOOK_AHEAD,
        restitutionDelay: options.restitutionDelay ?? 0n,
        strategies: [{ strategy: await el.strategy.getAddress(), weight: WAD }],
        responseWindow: 3_600n,
        quorumWeight: 4n * E18,
        minSigners: 2n,
        requestFee: 0n,
      },
    },
  });
  const registry = await ethers.getContractAt("ConsortiumRegistry", await d.registry.getAddress());
  const source = await ethers.getContractAt("EigenLayerStakeSource", await d.stakeSource.getAddress());
  const ledger = await ethers.getContractAt("CommitmentLedger", await d.ledger.getAddress());
  const adjudicator = await ethers.getContractAt("Adjudicator", await d.adjudicator.getAddress());
  const token = await el.token.getAddress();
  await registry.connect(governance).listAsset(TOKEN_ASSET_ID, token, "TETH", 18);
  const set = { avs: await source.getAddress(), id: await source.operatorSetId() };

  /** Applies, approves, binds `account` as its own operator with `stake`, refreshes and activates. */
  const join = async (account: HardhatEthersSigner, stake: bigint) => {
    await registry.connect(account).applyForMembership(ethers.id("profile"));
    await registry.connect(governance).approveGenesis(account.address, ethers.id("genesis"));
    await source.connect(account).approveOperator(account.address);
    await el.stakeAndAllocate({
      operator: account,
      operatorDeposit: stake,
      operatorSet: set,
      registrationData: AbiCoder.defaultAbiCoder().encode(["address"], [account.address]),
    });
    await source.refreshStake(account.address);
    await registry.connect(governance).activate(account.address);
  };
  await join(member, MEMBER_STAKE);
  const cosigners = [c1, c2, c3];
  for (const c of cosigners) await join(c, COSIGNER_STAKE);

  const asset: SnapshotAsset = { id: TOKEN_ASSET_ID, symbol: "TETH", token, decimals: 18 };

  /** The member's omission snapshot at a fresh t with its key registered; returns the snapshot and t. */
  const snapshot = async (workDir: string, victimPayout: string): Promise<{ snap: OmissionSnapshot; t: bigint }> => {
    await mkdir(workDir, { recursive: true });
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const keyFrom = now + 5n;
    const t = keyFrom + 30n;
    const snap = await omissionSnapshot({
      workDir,
      member: member.address,
      t,
      balances: { alice: 2n * E18, bob: 15n * 10n ** 17n, carol: 7n * 10n ** 17n },
      victim: "bob",
      payouts: { bob: victimPayout },
      asset,
    });
    await registry.connect(member).registerKey(snap.key.keyHash, snap.key.ax, snap.key.ay, keyFrom);
    await connection.networkHelpers.time.increaseTo(t + 40n);
    return { snap, t };
  };

  /** The member commits the doctored set and the co-signers attest it Solvent. */
  const commitAndAttest = async (snap: OmissionSnapshot, t: bigint) => {
    const commitments: AssetCommitment[] = [snap.commitment];
    await ledger.connect(member).commit(t, commitments);
    const domain = ledgerDomain((await ethers.provider.getNetwork()).chainId, await ledger.getAddress());
    const attestation = {
      subject: setSubject(member.address, t),
      verdict: Verdict.Solvent,
      rootsDigest: rootsDigest(commitments),
      blobDigest: setBlobDigest(commitments),
    };
    const signatures = packSignatures(await Promise.all(cosigners.map((o) => signAttestation(o, domain, attestation))));
    await ledger.attestCommitment(
      member.address,
      t,
      Verdict.Solvent,
      attestation.rootsDigest,
      attestation.blobDigest,
      signatures,
    );
  };

  /** The victim's real Groth16 proof and proveFraud's arguments. */
  const fraudArgs = async (snap: OmissionSnapshot): Promise<[FraudProofStruct, AssetCommitment[]]> => {
    const { proof } = await proveOmission(snap);
    const s = await committedSet(ethers.provider, await ledger.getAddress(), proof.member, proof.t);
    return [proof, s.commitments];
  };

  return {
    el: el as EigenLayerStandIns,
    registry,
    source,
    ledger,
    adjudicator,
    governance,
    member,
    attacker,
    prover,
    cosigners,
    token,
    set,
    snapshot,
    commitAndAttest,
    fraudArgs,
  };
}
