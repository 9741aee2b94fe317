pragma circom 2.1.9;

// The fraud proof of a signed balance record the member's committed liability tree does not honour
// (docs/protocol.md section "Fraud-proof circuit").

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "./merkle-sum.circom";
include "./record.circom";

// Proves: the tree node (leafHash, leafSum) is not the leaf of `accountKey` holding at least
// `balance`: leafHash != Poseidon(accountKey, leafSum) (the slot is empty or holds another account, or
// its hash and sum disagree), or leafSum < balance (under-reported).
// Assumes: leafSum < 2^128 and balance < 2^128 (the comparison is a LessThan(128), sound only for
// inputs of at most 128 bits); LeafMismatch enforces leafSum < 2^128 in MerkleSumRoot and
// balance < 2^96 through the context unpacking.
template LeafMismatchCondition() {
    signal input accountKey;
    signal input balance;
    signal input leafHash;
    signal input leafSum;

    // honest = 1 iff the leaf is this account's leaf with sum leafSum.
    signal ownLeafHash <== Poseidon(2)([accountKey, leafSum]);
    signal honest <== IsEqual()([leafHash, ownLeafHash]);
    // under = 1 iff leafSum < balance.
    signal under <== LessThan(128)([leafSum, balance]);

    // Fraud iff not (honest and not under).
    honest * (1 - under) === 0;
}

// Proves, for a Merkle-sum tree of depth D (docs/protocol.md sections 3-4):
//   1. the record {member, asset, t, slot, accountKey, balance} was signed (EdDSA-Poseidon) by the
//      record key A with Poseidon(KEY_DOMAIN, Ax, Ay) = keyHash, A and R8 on the curve;
//   2. nullifier = Poseidon(NULLIFIER_DOMAIN, m) for the record's message m;
//   3. context = asset + t * 2^32 + claim * 2^96 with asset < 2^32, t < 2^64, claim < 2^96, and
//      claim = balance (so balance < 2^96);
//   4. the node (leafHash, leafSum) at index `slot` (slot < 2^D) hashes up to rootHash, with the leaf
//      sum and every sibling sum < 2^128 and the root sum < 2^128 (so every sum on the path is);
//   5. that node is not this account's leaf with at least `balance` (LeafMismatchCondition);
//   6. recipient is bound to the proof (it appears in a constraint), so a copied proof cannot be
//      replayed for another recipient.
// Public inputs, in the verifier's order: rootHash, keyHash, context, nullifier, recipient.
// The member is private: the record message binds it, and the contract names the member through keyHash (the
// registry gives every key hash to one member, once) and binds rootHash to that member's commitment for
// (asset, t) and keyHash to its key valid at t. A signature by the member's key convicts the member whatever
// member field the signed message holds.
// Assumes: recipient < 2^160 is the contract's to ensure (it passes an address). The root sum is not an
// input: the path fixes it through rootHash.
template LeafMismatch(D) {
    // Public.
    signal input rootHash;
    signal input keyHash;
    signal input context;
    signal input nullifier;
    signal input recipient;

    // Private: the record (its asset, t and balance are packed in context).
    signal input member;
    signal input slot;
    signal input accountKey;
    signal input Ax;
    signal input Ay;
    signal input R8x;
    signal input R8y;
    signal input S;
    // Private: the tree node at the slot and its path.
    signal input leafHash;
    signal input leafSum;
    signal input siblingHashes[D];
    signal input siblingSums[D];

    // 3. Unpack and range-check asset (32 bits), t (64 bits) and claim = balance (96 bits).
    signal contextBits[192] <== Num2Bits(192)(context);
    var asset = 0;
    var t = 0;
    var balance = 0;
    for (var i = 0; i < 32; i++) {
        asset += contextBits[i] * (1 << i);
    }
    for (var i = 0; i < 64; i++) {
        t += contextBits[32 + i] * (1 << i);
    }
    for (var i = 0; i < 96; i++) {
        balance += contextBits[96 + i] * (1 << i);
    }

    // 1. The record's message and its signature by the key behind keyHash.
    signal m <== RecordMessage()(member, asset, t, slot, accountKey, balance);
    signal computedKeyHash <== RecordSignature()(Ax, Ay, R8x, R8y, S, m);
    keyHash === computedKeyHash;

    // 2. The nullifier.
    signal computedNullifier <== RecordNullifier()(m);
    nullifier === computedNullifier;

    // 4. The path from the record's slot (slot < 2^D is enforced by MerkleSumRoot) to rootHash.
    signal computedRootHash;
    signal computedRootSum;
    (computedRootHash, computedRootSum) <== MerkleSumRoot(D)(leafHash, leafSum, slot, siblingHashes, siblingSums);
    rootHash === computedRootHash;

    // 5. The mismatch.
    LeafMismatchCondition()(accountKey, balance, leafHash, leafSum);

    // 6. Bind the recipient (a public input no constraint mentions would be free to change).
    signal recipientSquare <== recipient * recipient;
}
