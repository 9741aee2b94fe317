// Types for the parts of snarkjs 0.7 the project uses (the package ships none).
declare module "snarkjs" {
  export interface Logger {
    debug(msg: string): void;
    info(msg: string): void;
    warn(msg: string): void;
    error(msg: string): void;
  }
  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  export interface VerificationKey {
    protocol: string;
    curve: string;
    nPublic: number;
    [key: string]: unknown;
  }
  export type CircuitSignals = Record<string, bigint | string | number | Array<bigint | string | number | Array<bigint | string | number>>>;
  export namespace groth16 {
    function fullProve(
      input: CircuitSignals,
      wasmFile: string | Uint8Array,
      zkeyFile: string | Uint8Array,
      logger?: Logger,
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    function prove(
      zkeyFile: string | Uint8Array,
      witnessFile: string | Uint8Array | { type: "mem"; data?: Uint8Array },
      logger?: Logger,
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    function verify(vk: VerificationKey, publicSignals: Array<string | bigint>, proof: Groth16Proof, logger?: Logger): Promise<boolean>;
    function exportSolidityCallData(proof: Groth16Proof, publicSignals: Array<string | bigint>): Promise<string>;
  }
  export namespace powersOfTau {
    function newAccumulator(curve: unknown, power: number, fileName: string, logger?: Logger): Promise<unknown>;
    function beacon(
      oldPtau: string,
      newPtau: string,
      name: string,
      beaconHashStr: string,
      numIterationsExp: number,
      logger?: Logger,
    ): Promise<unknown>;
    function contribute(oldPtau: string, newPtau: string, name: string, entropy: string, logger?: Logger): Promise<unknown>;
    function preparePhase2(oldPtau: string, newPtau: string, logger?: Logger): Promise<unknown>;
    function verify(ptau: string, logger?: Logger): Promise<boolean>;
  }
  export namespace zKey {
    function newZKey(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<unknown>;
    function contribute(oldZkey: string, newZkey: string, name: string, entropy: string, logger?: Logger): Promise<unknown>;
    function beacon(
      oldZkey: string,
      newZkey: string,
      name: string,
      beaconHashStr: string,
      numIterationsExp: number,
      logger?: Logger,
    ): Promise<unknown>;
    function verifyFromR1cs(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<boolean>;
    function exportVerificationKey(zkey: string | Uint8Array, logger?: Logger): Promise<VerificationKey>;
    function exportSolidityVerifier(zkey: string, templates: Record<string, string>, logger?: Logger): Promise<string>;
  }
  export namespace r1cs {
    function info(r1csFile: string, logger?: Logger): Promise<unknown>;
  }
  export namespace wtns {
    function calculate(input: CircuitSignals, wasmFile: string, wtnsFile: string | { type: "mem"; data?: Uint8Array }, options?: unknown): Promise<void>;
    function check(r1csFile: string, wtnsFile: string, logger?: Logger): Promise<boolean>;
    function exportJson(wtnsFile: string): Promise<bigint[]>;
  }
  export namespace curves {
    function getCurveFromName(name: string, options?: unknown): Promise<{ terminate(): Promise<void> }>;
  }
}
