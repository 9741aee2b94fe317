// Step 1, prepare: the contracts are built from source and the fraud circuit's proving key exists (a cold cache runs
// the development ceremony, with its progress shown), so every proof the viewer sees later is a real Groth16 proof.
import * as snarkjs from "snarkjs";

import { circuitArtifacts, releaseCurves } from "../../circuits/index.js";
import type { Progress as CeremonyProgress } from "../../circuits/ceremony.js";
import { loadCrypto, type Crypto } from "../../crypto/index.js";
import type { DemoSetup } from "../context.js";

/** Builds the contracts, checks the proving key, loads the crypto backends. */
export async function prepare(ctx: DemoSetup): Promise<{ crypto: Crypto; engine: Crypto }> {
  const { hre, p, res } = ctx;
  return p.step("prepare", "prepare: contracts, fraud-proof keys, crypto", async (note) => {
    await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
    if (!(await hre.artifacts.artifactExists("LeafMismatch32Verifier"))) {
      throw new Error("contracts/verifiers/LeafMismatch32Verifier.sol is missing: run `npm run circuits` first");
    }
    note("contracts built; checking the LeafMismatch32 proving key (cached development ceremony)");
    note("(a cold cache computes the development keys once: seconds; progress follows)");
    await p.heartbeat(
      circuitArtifacts(
        "LeafMismatch32",
        ceremonyProgress((l) => note(l)),
      ),
      () => "still preparing the proving key",
      30_000,
    );
    const c = await loadCrypto({ threads: 0 });
    res.add("crypto", () => c.close());
    const e = await loadCrypto();
    res.add("engine crypto", () => e.close());
    // Build snarkjs's BN254 curve (and its worker threads) once, now: operator nodes that start proving at the
    // same moment would otherwise each build one, and only the one cached globally is released at the end.
    await snarkjs.curves.getCurveFromName("bn128");
    res.add("snarkjs curves", () => releaseCurves());
    note(`crypto backend: ${c.backend}`);
    return { crypto: c, engine: e };
  });
}

/** Ceremony progress as demo notes (one line per step; snarkjs sub-steps every 20 s at most). */
function ceremonyProgress(note: (s: string) => void): CeremonyProgress {
  let current = "";
  let started = 0;
  let last = 0;
  const sub = (msg: string) => {
    const now = performance.now();
    if (now - last > 20_000) {
      last = now;
      note(`ceremony: ${current}: ${msg} (${((now - started) / 1000).toFixed(0)} s)`);
    }
  };
  return {
    step(name) {
      current = name;
      started = performance.now();
      note(`ceremony: ${name} ...`);
    },
    done(extra) {
      note(
        `ceremony: ${current} done in ${((performance.now() - started) / 1000).toFixed(1)} s${extra ? ` (${extra})` : ""}`,
      );
    },
    logger: {
      debug: sub,
      info: sub,
      warn: (m) => note(`ceremony warning: ${m}`),
      error: (m) => note(`ceremony error: ${m}`),
    },
  };
}
