pragma circom 2.1.9;

// The fraud proof of a signed balance record the member's committed liability tree does not honour
// (docs/protocol.md section "Fraud-proof circuit").

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "./merkle-sum.circom";
include "./record.circom";

// Proves: the record (accountKey, balance) is not honoured by the tree node (leafHash, leafSum) at its slot, or the
// path is malformed, and `claim` is what the record is owed:
//   - malformed = 0: leafHash != Poseidon(accountKey, leafSum) (the slot is empty or holds another account, or its
//     hash and sum disagree: missing user, claim = balance), or leafSum < balance (under-reported: the leaf is this
//     account's, claim = balance - leafSum);
//   - malformed = 1: the caller has proven a sum on the path out of range; claim = balance.
// `leafSumChecked` is leafSum when malformed = 0 and 0 when malformed = 1 (the caller's masked, range-checked value).
// Assumes: malformed is 0 or 1; leafSumChecked < 2^128 and balance < 2^128 (LessThan(128) is sound only for inputs
// of at most 128 bits); LeafMismatch range-checks both.
template LeafMismatchCondition() {
    signal input accountKey;
    signal input balance;
    signal input leafHash;
    signal input leafSum;
    signal input leafSumChecked;
    signal input malformed;
    signal output claim;

    // honest = 1 iff the node is this account's leaf with sum leafSum.
    signal ownLeafHash <== Poseidon(2)([accountKey, leafSum]);
    signal honest <== IsEqual()([leafHash, ownLeafHash]);
    // under = 1 iff leafSum < balance (leafSumChecked = 0 when malformed, where `under` does not matter).
    signal under <== LessThan(128)([leafSumChecked, balance]);

    // Fraud iff malformed, or not (honest and not under).
    signal honestAndCovered <== honest * (1 - under);
    (1 - malformed) * honestAndCovered === 0;

    // The shortfall: what the leaf holds of this account's balance is subtracted (never when malformed).
    signal covered <== honest * leafSumChecked;
    claim <== balance - covered;
}

// Proves, for a Merkle-sum tree of depth D (docs/protocol.md sections 3-4):
//   1. the record {member, asset, t, slot, accountKey, balance, payoutHash} (message v2) was signed
//      (EdDSA-Poseidon) by the record key A with Poseidon(KEY_DOMAIN, Ax, Ay) = keyHash, A and R8 on the curve;
//   2. nullifier = Poseidon(NULLIFIER_DOMAIN, m) for the record's message m;
//   3. context = asset + t * 2^32 + claim * 2^96 with asset < 2^32, t < 2^64, claim < 2^96; balance < 2^96;
//   4. the node (leafHash, leafSum) at index `slot` (slot < 2^D) hashes up to rootHash;
//   5. either (malformed = 0) the leaf sum and every sibling sum are < 2^128 and the root sum is < 2^128 (so every
//      sum on the path is, as in MerkleSumRoot), and the node does not honour the record (LeafMismatchCondition);
//      or (malformed = 1) the sum at badIndex on the path is >= 2^128 (badIndex 0: the leaf sum; 1..D: the sibling
//      sum of level badIndex - 1; D + 1..2D: the path's node sum at level badIndex - D): the member committed a
//      tree no honest builder makes, and every record under it is owed its balance;
//   6. claim is the record's shortfall (LeafMismatchCondition).
// Public inputs, in the verifier's order: rootHash, keyHash, context, nullifier, payoutHash. The payout hash is in
// the signed message, so a proof books its claim to the payout the member signed for the user, whoever proves it.
// The member is private: the message binds it, and the contract names the member through keyHash (the registry gives
// every key hash to one member, once) and binds rootHash to that member's commitment for (asset, t) and keyHash to
// its key valid at t.
// Assumes: nothing of its inputs (malformed is constrained to a bit, badIndex to [0, 2D] and to 0 when malformed =
// 0).
template LeafMismatch(D) {
    // Public.
    signal input rootHash;
    signal input keyHash;
    signal input context;
    signal input nullifier;
    signal input payoutHash;

    // Private: the record (its asset, t are packed in context).
    signal input member;
    signal input slot;
    signal input accountKey;
    signal input balance;
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
    // Private: the malformed mode and the index of the out-of-range sum.
    signal input malformed;
    signal input badIndex;

    // 3. Unpack and range-check asset (32 bits), t (64 bits) and claim (96 bits); balance < 2^96.
    signal contextBits[192] <== Num2Bits(192)(context);
    var asset = 0;
    var t = 0;
    var claim = 0;
    for (var i = 0; i < 32; i++) {
        asset += contextBits[i] * (1 << i);
    }
    for (var i = 0; i < 64; i++) {
        t += contextBits[32 + i] * (1 << i);
    }
    for (var i = 0; i < 96; i++) {
        claim += contextBits[96 + i] * (1 << i);
    }
    _ <== Num2Bits(96)(balance);

    // 1. The record's message and its signature by the key behind keyHash.
    signal m <== RecordMessage()(member, asset, t, slot, accountKey, balance, payoutHash);
    signal computedKeyHash <== RecordSignature()(Ax, Ay, R8x, R8y, S, m);
    keyHash === computedKeyHash;

    // 2. The nullifier.
    signal computedNullifier <== RecordNullifier()(m);
    nullifier === computedNullifier;

    // 4. The path from the record's slot (slot < 2^D is enforced by MerkleSumPath) to rootHash.
    signal hashes[D + 1];
    signal sums[D + 1];
    (hashes, sums) <== MerkleSumPath(D)(leafHash, leafSum, slot, siblingHashes, siblingSums);
    rootHash === hashes[D];

    // 5. The mode.
    malformed * (malformed - 1) === 0;
    (1 - malformed) * badIndex === 0;
    var wellFormed = 1 - malformed;

    // 5a. Well-formed: the range checks of MerkleSumRoot on the masked sums (all zero when malformed = 1).
    signal leafSumChecked <== wellFormed * leafSum;
    _ <== Num2Bits(128)(leafSumChecked);
    signal siblingSumsChecked[D];
    for (var i = 0; i < D; i++) {
        siblingSumsChecked[i] <== wellFormed * siblingSums[i];
        _ <== Num2Bits(128)(siblingSumsChecked[i]);
    }
    signal rootSumChecked <== wellFormed * sums[D];
    _ <== Num2Bits(128)(rootSumChecked);

    // 5b. Malformed: the sum at badIndex (one-hot selection over the 2D + 1 sums of the path) is >= 2^128. When
    // malformed = 0, badIndex = 0 selects the leaf sum and nothing is required of it here.
    var N = 2 * D + 1;
    signal candidates[N];
    candidates[0] <== leafSum;
    for (var i = 0; i < D; i++) {
        candidates[1 + i] <== siblingSums[i];
        candidates[1 + D + i] <== sums[1 + i];
    }
    signal selectors[N];
    signal picked[N];
    var selectorSum = 0;
    var selected = 0;
    for (var i = 0; i < N; i++) {
        selectors[i] <== IsEqual()([badIndex, i]);
        picked[i] <== selectors[i] * candidates[i];
        selectorSum += selectors[i];
        selected += picked[i];
    }
    selectorSum === 1;
    signal big <== AtLeast2To128()(selected);
    malformed * (1 - big) === 0;

    // 5c and 6. The mismatch (waived when malformed) and the claim.
    signal computedClaim <== LeafMismatchCondition()(accountKey, balance, leafHash, leafSum, leafSumChecked, malformed);
    claim === computedClaim;
}
