pragma circom 2.1.9;

// Signed balance records (docs/protocol.md sections 1-3): the record message, its nullifier, the
// record key hash, and the check of a member's EdDSA-Poseidon signature on Baby Jubjub.

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/babyjub.circom";
include "circomlib/circuits/eddsaposeidon.circom";

// Domain tags: the ASCII strings read as big-endian integers (docs/protocol.md section 1).
function RECORD_DOMAIN() { return 8908045074570304022795481151026; }       // "por.record.v2"
function NULLIFIER_DOMAIN() { return 149452196352583542995247387895126718001; } // "por.nullifier.v1"
function KEY_DOMAIN() { return 530960862305234845595185; }                  // "por.key.v1"

// Proves: m = Poseidon(RECORD_DOMAIN, member, asset, t, slot, accountKey, balance, payoutHash) (record message v2:
// payoutHash commits to where the record's restitution is paid).
// Assumes: nothing; the ranges of the fields (asset < 2^32, t < 2^64, slot < 2^D, balance < 2^96) are
// the caller's to enforce where they matter; payoutHash is any field element (0: no payout registered).
template RecordMessage() {
    signal input member;
    signal input asset;
    signal input t;
    signal input slot;
    signal input accountKey;
    signal input balance;
    signal input payoutHash;
    signal output m;

    m <== Poseidon(8)([RECORD_DOMAIN(), member, asset, t, slot, accountKey, balance, payoutHash]);
}

// Proves: nullifier = Poseidon(NULLIFIER_DOMAIN, m).
// Assumes: nothing.
template RecordNullifier() {
    signal input m;
    signal output nullifier;

    nullifier <== Poseidon(2)([NULLIFIER_DOMAIN(), m]);
}

// Proves: keyHash = Poseidon(KEY_DOMAIN, Ax, Ay).
// Assumes: nothing (it hashes whatever pair it is given; RecordSignature checks the point).
template RecordKeyHash() {
    signal input Ax;
    signal input Ay;
    signal output keyHash;

    keyHash <== Poseidon(3)([KEY_DOMAIN(), Ax, Ay]);
}

// Proves: (R8x, R8y, S) is a valid EdDSA-Poseidon signature of M under the public key A = (Ax, Ay),
// both A and R8 lie on Baby Jubjub, S is below the subgroup order, and keyHash = Poseidon(KEY_DOMAIN,
// Ax, Ay) is the hash of that key.
// circomlib's EdDSAPoseidonVerifier checks neither curve membership (BabyCheck added here for both A
// and R8: off-curve points break the group law the verification equation relies on) nor anything at
// all when `enabled` is 0 (tied to the constant 1 here). It rejects A of small order (8A = identity).
// Assumes: nothing of its inputs.
template RecordSignature() {
    signal input Ax;
    signal input Ay;
    signal input R8x;
    signal input R8y;
    signal input S;
    signal input M;
    signal output keyHash;

    BabyCheck()(Ax, Ay);
    BabyCheck()(R8x, R8y);

    component verifier = EdDSAPoseidonVerifier();
    verifier.enabled <== 1;
    verifier.Ax <== Ax;
    verifier.Ay <== Ay;
    verifier.S <== S;
    verifier.R8x <== R8x;
    verifier.R8y <== R8y;
    verifier.M <== M;

    keyHash <== RecordKeyHash()(Ax, Ay);
}
