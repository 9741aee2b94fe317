// Types for the parts of circomlibjs 0.1.7 the project uses (the package ships none).
declare module "circomlibjs" {
  export interface CircomlibField {
    toObject(x: Uint8Array): bigint;
    e(x: bigint | number | string): Uint8Array;
  }
  export interface CircomlibPoseidon {
    (inputs: Array<bigint | number | string | Uint8Array>): Uint8Array;
    F: CircomlibField;
  }
  export interface CircomlibBabyJub {
    F: CircomlibField;
    Generator: [Uint8Array, Uint8Array];
    Base8: [Uint8Array, Uint8Array];
    subOrder: bigint;
    addPoint(a: [Uint8Array, Uint8Array], b: [Uint8Array, Uint8Array]): [Uint8Array, Uint8Array];
    mulPointEscalar(p: [Uint8Array, Uint8Array], e: bigint): [Uint8Array, Uint8Array];
    inCurve(p: [Uint8Array, Uint8Array]): boolean;
  }
  export interface CircomlibEddsa {
    F: CircomlibField;
    babyJub: CircomlibBabyJub;
    prv2pub(prv: Uint8Array): [Uint8Array, Uint8Array];
    signPoseidon(prv: Uint8Array, msg: Uint8Array): { R8: [Uint8Array, Uint8Array]; S: bigint };
    verifyPoseidon(msg: Uint8Array, sig: { R8: [Uint8Array, Uint8Array]; S: bigint }, A: [Uint8Array, Uint8Array]): boolean;
  }
  export function buildPoseidon(): Promise<CircomlibPoseidon>;
  export function buildEddsa(): Promise<CircomlibEddsa>;
  export function buildBabyjub(): Promise<CircomlibBabyJub>;
}
