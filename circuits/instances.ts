// Every circuit instance the project builds, in one place. The circuit pipeline (`npx hardhat circuits`,
// src/circuits/) compiles each with circom2 --O2, runs the ceremony, and exports its verifying key and
// a Solidity verifier named `<name>Verifier` into contracts/verifiers/.
//
// Public signals of every instance are public *inputs* (no outputs), in the order listed here; that
// order is the order of the verifier's `_pubSignals` array.

/**
 * Size of the development powers of tau: 2^PTAU_POWER must hold the largest instance's constraints plus its
 * public inputs. The development keys are those of a ceremony over powers of tau of this size, though none is made
 * (src/circuits/dev-keys.ts); changing it changes the keys and verifier of each instance whose domain fills the old or the new size.
 */
export const PTAU_POWER = 15;

export interface CircuitInstance {
  /** Instance name, PascalCase; the verifier contract is `<name>Verifier`. */
  name: string;
  /** Template file, relative to circuits/. */
  file: string;
  /** Template name inside the file. */
  template: string;
  /** Template parameters, in order. */
  params: number[];
  /** Public input signals, in the order the verifier takes them. */
  publicInputs: string[];
}

export const circuitInstances: CircuitInstance[] = [
  {
    name: "MerkleSumInclusion8",
    file: "merkle-sum.circom",
    template: "MerkleSumInclusion",
    params: [8],
    publicInputs: ["rootHash", "rootSum"],
  },
  {
    // The fraud proof (docs/protocol.md, "Fraud-proof circuit"); production depth 32.
    name: "LeafMismatch32",
    file: "leaf-mismatch.circom",
    template: "LeafMismatch",
    params: [32],
    publicInputs: ["rootHash", "keyHash", "context", "nullifier", "payoutHash"],
  },
  {
    // The root-sum fraud proof (docs/protocol.md, "Root-sum circuit"): a committed root sum the root hash does not bind.
    name: "RootSumMismatch",
    file: "root-sum.circom",
    template: "RootSumMismatch",
    params: [],
    publicInputs: ["rootHash", "rootSum"],
  },
  {
    // Private mode (docs/protocol.md, "Private totals"): the liabilities commitment C_L opens to the sum inside rootHash.
    name: "RootCommitment",
    file: "private-totals.circom",
    template: "RootCommitment",
    params: [],
    publicInputs: ["rootHash", "cx", "cy", "context"],
  },
  {
    // Private mode: the surplus commitment C_S opens to a value in [0, 2^128).
    name: "SurplusRange",
    file: "private-totals.circom",
    template: "SurplusRange",
    params: [],
    publicInputs: ["cx", "cy", "context"],
  },
  {
    // Private mode: both statements of one asset in one proof (what the contract path verifies: one Groth16 check).
    name: "PrivateAsset",
    file: "private-totals.circom",
    template: "PrivateAsset",
    params: [],
    publicInputs: ["rootHash", "lx", "ly", "sx", "sy", "context"],
  },
];
