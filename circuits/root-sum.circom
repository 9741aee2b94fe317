pragma circom 2.1.9;

// The fraud proof of a committed root sum that is not the sum inside the committed root hash (docs/protocol.md
// section "Root-sum circuit").

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/comparators.circom";
include "./merkle-sum.circom";

// Proves: the root node of a Merkle-sum tree, rootHash = Poseidon(hL, sL, hR, sR) over its two children, does not
// carry the committed rootSum as an honest tree would: NOT (sL < 2^128 and sR < 2^128 and sL + sR = rootSum).
// So a member that commits a root sum below (or above) the sum its root hash binds, or a root over a child with an
// out-of-range or wrapped sum, is convicted by anyone holding the root's two children (any record path, or the
// published leaves), without any user's record.
// Public inputs, in the verifier's order: rootHash, rootSum.
// Assumes: rootSum < 2^128 (the contract passes the committed uint128); nothing of the private inputs.
template RootSumMismatch() {
    signal input rootHash;
    signal input rootSum;
    signal input hL;
    signal input sL;
    signal input hR;
    signal input sR;

    signal computedRootHash <== Poseidon(4)([hL, sL, hR, sR]);
    rootHash === computedRootHash;

    signal bigL <== AtLeast2To128()(sL);
    signal bigR <== AtLeast2To128()(sR);
    signal sumsMatch <== IsEqual()([sL + sR, rootSum]);
    // An honest root: both children in range and their sum is the committed one. Anything else is fraud.
    signal inRange <== (1 - bigL) * (1 - bigR);
    inRange * sumsMatch === 0;
}
