import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { addressInput, runTask, userInput } from "../src/client/index.js";
import type { TaskOutput } from "../src/client/output.js";
import { loadCrypto } from "../src/crypto/index.js";
import { encryptKeystore, generateMemberKeys, writeKeystoreFile } from "../src/keys/index.js";
import { readPassword } from "../src/keys/password.js";

export interface Args {
  /** Keystore file to create. */
  keystore: string;
  /** The member's 0x address. */
  member: string;
  passwordVar?: string;
  json: boolean;
}

/** `hardhat keygen <keystore> <member>`: generate a member's record key and secret into a new encrypted keystore. */
export default async function action(args: Args, hre?: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("keygen", (out) => keygen(out, args, hre), { json: args.json });
}

/** The body of `keygen`. */
export async function keygen(out: TaskOutput, args: Args, hre?: HardhatRuntimeEnvironment): Promise<void> {
  addressInput("<member>", args.member);
  const member = args.member; // as given: the keystore records it
  const password = await userInput(() => readPassword("New keystore password: ", args.passwordVar, hre));
  const crypto = await loadCrypto({ threads: 0 });
  try {
    const ks = await encryptKeystore(crypto, generateMemberKeys(), member, password);
    await userInput(() => writeKeystoreFile(args.keystore, ks));
    out.line(`Wrote ${args.keystore}`);
    out.line(`record key Ax ${ks.publicKey.Ax}`);
    out.line(`record key Ay ${ks.publicKey.Ay}`);
    out.line(`keyHash      ${ks.publicKey.keyHash} (register this on-chain)`);
    out.setAll({ keystore: args.keystore, member, ...ks.publicKey });
  } finally {
    await crypto.close();
  }
}
