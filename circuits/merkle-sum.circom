pragma circom 2.1.9;

// Merkle-sum tree templates (docs/protocol.md section 4).
// Node (h, s); leaf with an account (Poseidon(accountKey, balance), balance); empty slot (0, 0);
// inner node (Poseidon(hL, sL, hR, sR), sL + sR); bit i of the slot (least significant first) is 1 when
// the node on the path at level i is a right child.

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

// Proves: (parentHash, parentSum) is the inner node over the current node (hash, sum) and its
// sibling (siblingHash, siblingSum), the current node being the right child when isRight = 1 and
// the left child when isRight = 0: parentHash = Poseidon(hL, sL, hR, sR), parentSum = sL + sR.
// Assumes: isRight is 0 or 1 (the caller gets it from Num2Bits, which constrains every bit).
// Range checks of the sums are the caller's job (see MerkleSumRoot).
template MerkleSumLevel() {
    signal input hash;
    signal input sum;
    signal input siblingHash;
    signal input siblingSum;
    signal input isRight;
    signal output parentHash;
    signal output parentSum;

    // left = isRight ? sibling : current; right = the other one. One constraint per selection.
    signal leftHash <== isRight * (siblingHash - hash) + hash;
    signal leftSum <== isRight * (siblingSum - sum) + sum;

    parentHash <== Poseidon(4)([leftHash, leftSum, hash + siblingHash - leftHash, sum + siblingSum - leftSum]);
    parentSum <== sum + siblingSum;
}

// Computes: the path from the node (leafHash, leafSum) at index `slot` of a Merkle-sum tree of depth DEPTH, with
// the sibling nodes (siblingHashes[i], siblingSums[i]) from level 0 (the leaf's sibling) upwards: hashes[i] and
// sums[i] are the node on the path at level i (hashes[0], sums[0] the leaf; hashes[DEPTH], sums[DEPTH] the root).
// Proves: slot < 2^DEPTH and each level is the inner node over the one below and its sibling.
// Assumes: nothing of its inputs, and checks no range: sums are added in the field. The caller range-checks
// (MerkleSumRoot) or proves a sum out of range (LeafMismatch's malformed mode).
template MerkleSumPath(DEPTH) {
    assert(DEPTH >= 1 && DEPTH <= 64);

    signal input leafHash;
    signal input leafSum;
    signal input slot;
    signal input siblingHashes[DEPTH];
    signal input siblingSums[DEPTH];
    signal output hashes[DEPTH + 1];
    signal output sums[DEPTH + 1];

    // slot < 2^DEPTH, and its bits, least significant first, are the directions.
    signal pathBits[DEPTH] <== Num2Bits(DEPTH)(slot);

    hashes[0] <== leafHash;
    sums[0] <== leafSum;
    for (var i = 0; i < DEPTH; i++) {
        (hashes[i + 1], sums[i + 1]) <== MerkleSumLevel()(
            hashes[i], sums[i], siblingHashes[i], siblingSums[i], pathBits[i]
        );
    }
}

// Proves: the node (leafHash, leafSum) at index `slot` of a Merkle-sum tree of depth DEPTH, with the
// sibling nodes (siblingHashes[i], siblingSums[i]) from level 0 (the leaf's sibling) upwards, hashes
// up to (rootHash, rootSum); slot < 2^DEPTH; leafSum, every sibling sum and rootSum are < 2^128.
// Range argument (documented optimisation): leafSum and every sibling sum are range-checked to 128
// bits, so the DEPTH + 1 terms of any node sum add up to less than (DEPTH + 1) * 2^128 < p: no sum
// wraps the field, every sum on the path is at most rootSum, and rootSum < 2^128 (checked) bounds
// every intermediate sum below 2^128 as well. Every child sum at every level is therefore < 2^128.
// Assumes: nothing of its inputs (slot's range and all sums are enforced here).
template MerkleSumRoot(DEPTH) {
    signal input leafHash;
    signal input leafSum;
    signal input slot;
    signal input siblingHashes[DEPTH];
    signal input siblingSums[DEPTH];
    signal output rootHash;
    signal output rootSum;

    signal hashes[DEPTH + 1];
    signal sums[DEPTH + 1];
    (hashes, sums) <== MerkleSumPath(DEPTH)(leafHash, leafSum, slot, siblingHashes, siblingSums);

    _ <== Num2Bits(128)(leafSum);
    for (var i = 0; i < DEPTH; i++) {
        _ <== Num2Bits(128)(siblingSums[i]);
    }
    _ <== Num2Bits(128)(sums[DEPTH]);

    rootHash <== hashes[DEPTH];
    rootSum <== sums[DEPTH];
}

// Proves: the node (leafHash, leafSum) sits at index `slot` under the public commitment
// (rootHash, rootSum) of a Merkle-sum tree of depth DEPTH, with every child sum on the path < 2^128
// and slot < 2^DEPTH (all via MerkleSumRoot).
// Assumes: nothing of its inputs. Public inputs of the instance: rootHash, rootSum.
template MerkleSumInclusion(DEPTH) {
    signal input rootHash;
    signal input rootSum;
    signal input leafHash;
    signal input leafSum;
    signal input slot;
    signal input siblingHashes[DEPTH];
    signal input siblingSums[DEPTH];

    signal computedHash;
    signal computedSum;
    (computedHash, computedSum) <== MerkleSumRoot(DEPTH)(leafHash, leafSum, slot, siblingHashes, siblingSums);

    rootHash === computedHash;
    rootSum === computedSum;
}

// Proves: `value` >= 2^128 as an integer in [0, p) (big = 1) or not (big = 0), through the unique (strict)
// 254-bit decomposition of `value`.
// Assumes: nothing.
template AtLeast2To128() {
    signal input value;
    signal output big;

    signal bits[254] <== Num2Bits_strict()(value);
    var high = 0;
    for (var i = 128; i < 254; i++) {
        high += bits[i] * (1 << (i - 128));
    }
    signal highIsZero <== IsZero()(high);
    big <== 1 - highIsZero;
}
