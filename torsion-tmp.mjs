import { buildBabyjub } from "circomlibjs";
const bj = await buildBabyjub();
const F = bj.F;
const l = bj.subOrder;
for (let y = 2n; ; y++) {
  // x^2 = (1 - y^2) / (a - d y^2)
  const y2 = F.square(F.e(y));
  const num = F.sub(F.one, y2);
  const den = F.sub(bj.A, F.mul(bj.D, y2));
  const x2 = F.div(num, den);
  const x = F.sqrt(x2);
  if (x === null) continue;
  const P = [x, F.e(y)];
  if (!bj.inCurve(P)) continue;
  const T = bj.mulPointEscalar(P, l);
  // order of T: check 4T != identity
  const T4 = bj.mulPointEscalar(T, 4n);
  if (F.eq(T4[0], F.zero) && F.eq(T4[1], F.one)) continue;
  console.log("order8", F.toObject(T[0]).toString(), F.toObject(T[1]).toString());
  console.log("mixedFromY", y.toString(), F.toObject(P[0]).toString(), F.toObject(P[1]).toString());
  break;
}
