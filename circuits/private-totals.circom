pragma circom 2.1.9;

// Private totals (docs/protocol.md, "Private totals"): Pedersen commitments on Baby Jubjub, Com(v, r) = v*G + r*H
// with G = Base8 and H the nothing-up-my-sleeve point of src/private/pedersen.ts, and the two circuits of a private
// set: RootCommitment (C_L opens to the sum inside rootHash) and SurplusRange (C_S opens to a value in [0, 2^128)).
// Every public input is bound: `context` (the member, asset, t, subject, chain and ledger, hashed by
// ZeroDifferenceProof.contextOf) is squared into a constraint, and the commitment is compared coordinate by
// coordinate with the point the circuit computes, which is in the prime-order subgroup by construction.

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/babyjub.circom";
include "circomlib/circuits/escalarmulfix.circom";

// Computes: commitment = value*G + blinding*H.
// Proves: value < 2^VALUE_BITS and blinding < 2^251 (every scalar mod l is: l < 2^251).
// Assumes: nothing of its inputs. EscalarMulFix is circomlib's fixed-base multiplication (the one EdDSA uses for
// S*Base8), complete for scalars of up to 253 bits.
template PedersenCommitment(VALUE_BITS) {
    assert(VALUE_BITS >= 1 && VALUE_BITS <= 250);
    signal input value;
    signal input blinding;
    signal output commitment[2];

    var G[2] = [
        5299619240641551281634865583518297030282874472190772894086521144482721001553,
        16950150798460657717958625567821834550301663161624707787222815936182638968203
    ];
    var H[2] = [
        9838599069262539226988055446926130691099075059761775306427434471149768858158,
        6961072732506414408627318995044913928974337917252889243607577860974005270688
    ];

    signal valueBits[VALUE_BITS] <== Num2Bits(VALUE_BITS)(value);
    signal blindingBits[251] <== Num2Bits(251)(blinding);
    signal vG[2] <== EscalarMulFix(VALUE_BITS, G)(valueBits);
    signal rH[2] <== EscalarMulFix(251, H)(blindingBits);
    (commitment[0], commitment[1]) <== BabyAdd()(vG[0], vG[1], rH[0], rH[1]);
}

// Proves: rootHash = Poseidon(hL, sL, hR, sR) (the Merkle-sum root over its two children), sL, sR and
// L = sL + sR are below 2^128 (as every node sum of an honest tree), and (cx, cy) = Com(L, blinding).
// Public inputs, in the verifier's order: rootHash, cx, cy, context.
// Assumes: nothing of its inputs; `context` is bound by a constraint (contextSquare), never interpreted.
template RootCommitment() {
    signal input rootHash;
    signal input cx;
    signal input cy;
    signal input context;
    signal input hL;
    signal input sL;
    signal input hR;
    signal input sR;
    signal input blinding;

    signal computedRootHash <== Poseidon(4)([hL, sL, hR, sR]);
    rootHash === computedRootHash;
    signal bitsL[128] <== Num2Bits(128)(sL);
    signal bitsR[128] <== Num2Bits(128)(sR);
    // sL + sR < 2^129 cannot wrap the field; PedersenCommitment range-checks it to 128 bits.
    signal c[2] <== PedersenCommitment(128)(sL + sR, blinding);
    cx === c[0];
    cy === c[1];
    signal contextSquare <== context * context;
}

// Proves: (cx, cy) = Com(S, blinding) with 0 <= S < 2^128 (so S cannot be a negative value or one wrapping the
// subgroup order l: Num2Bits(128) leaves no alias below p).
// Public inputs, in the verifier's order: cx, cy, context.
// Assumes: nothing of its inputs; `context` is bound by a constraint (contextSquare), never interpreted.
template SurplusRange() {
    signal input cx;
    signal input cy;
    signal input context;
    signal input surplus;
    signal input blinding;

    signal c[2] <== PedersenCommitment(128)(surplus, blinding);
    cx === c[0];
    cy === c[1];
    signal contextSquare <== context * context;
}

// Proves both statements of one private asset in one proof (one verification on-chain instead of two): RootCommitment
// for (rootHash, C_L) and SurplusRange for C_S, under the same context.
// Public inputs, in the verifier's order: rootHash, lx, ly (C_L), sx, sy (C_S), context.
// Assumes: nothing of its inputs.
template PrivateAsset() {
    signal input rootHash;
    signal input lx;
    signal input ly;
    signal input sx;
    signal input sy;
    signal input context;
    signal input hL;
    signal input sL;
    signal input hR;
    signal input sR;
    signal input liabilitiesBlinding;
    signal input surplus;
    signal input surplusBlinding;

    RootCommitment()(rootHash, lx, ly, context, hL, sL, hR, sR, liabilitiesBlinding);
    SurplusRange()(sx, sy, context, surplus, surplusBlinding);
}
