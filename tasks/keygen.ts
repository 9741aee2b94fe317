import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { loadCrypto } from "../src/crypto/index.js";
import { encryptKeystore, generateMemberKeys, writeKeystoreFile } from "../src/keys/index.js";
import { readPassword } from "../src/keys/password.js";

interface KeygenArgs {
  keystore: string;
  member: string;
  passwordVar?: string;
}

/** `hardhat keygen`: generate a member's record key and secret into a new encrypted keystore file. */
export default async function keygen(args: KeygenArgs, hre?: HardhatRuntimeEnvironment): Promise<void> {
  const crypto = await loadCrypto({ threads: 0 });
  try {
    if (args.keystore === "") throw new Error("--keystore <file> is required");
    if (!/^0x[0-9a-fA-F]{40}$/.test(args.member)) throw new Error("--member must be the member's 0x address");
    const name = args.passwordVar ?? "";
    if (name !== "" && hre === undefined) throw new Error("--password-var needs the Hardhat runtime");
    const password = await readPassword(
      "New keystore password: ",
      name !== "" && hre !== undefined ? { hre, name } : undefined,
    );
    const ks = await encryptKeystore(crypto, generateMemberKeys(), args.member, password);
    await writeKeystoreFile(args.keystore, ks);
    process.stdout.write(
      `Wrote ${args.keystore}\nrecord key Ax ${ks.publicKey.Ax}\nrecord key Ay ${ks.publicKey.Ay}\n` +
        `keyHash      ${ks.publicKey.keyHash} (register this on-chain)\n`,
    );
  } catch (e) {
    process.stderr.write(`keygen failed: ${(e as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await crypto.close();
  }
}
