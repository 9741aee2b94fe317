// Weak record keys for tests (issue 12, attack 8): Baby Jubjub points outside the prime-order subgroup, and
// signatures "by" them that circomlib's verifier accepts. The curve has order 8 * l, so l * P of a random point P
// lies in the torsion subgroup; ORDER8 is such a point of exact order 8 (4 * ORDER8 != identity, 8 * ORDER8 ==
// identity), found by hashing y = 2, 3, ... onto the curve.
import { addPoint, mulBase8 } from "../../src/crypto/babyjub.js";
import { SUBGROUP_ORDER, type PoseidonLike, type Point, type Signature } from "../../src/crypto/index.js";

/** A point of order 8 (Ax != 0, so the old "Ax = 0" refusal let it through). */
export const ORDER8: Point = [
  17545522957889784193459637215142187266023652151580582754000402781682644312291n,
  4826523245007015323400664741523384119579596407052839571721035538011798951543n,
];

/** The secret scalar of {@link MIXED}'s prime-order part. */
export const MIXED_SECRET = 12345n;

/** A point of mixed order 8 * l: `MIXED_SECRET * Base8 + ORDER8`. */
export const MIXED: Point = addPoint(mulBase8(MIXED_SECRET), ORDER8);

/**
 * Forges a signature of `message` under the small-order key {@link ORDER8} without any secret: `8 * ORDER8` is the
 * identity, so circomlib's check `S * Base8 == R8 + 8 * h * A` reduces to `S * Base8 == R8`.
 */
export function forgeUnderOrder8(message: bigint, r = 777n): Signature {
  const [R8x, R8y] = mulBase8(r);
  void message;
  return { R8x, R8y, S: r };
}

/** Signs `message` under {@link MIXED} with the secret of its prime-order part (circomlib accepts it). */
export function signUnderMixed(poseidon: PoseidonLike, message: bigint, r = 4242n): Signature {
  const [R8x, R8y] = mulBase8(r);
  const h = poseidon([R8x, R8y, MIXED[0], MIXED[1], message]);
  return { R8x, R8y, S: (r + 8n * h * MIXED_SECRET) % SUBGROUP_ORDER };
}
