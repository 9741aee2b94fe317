// A small Hardhat plugin: the operator node's and the aggregator's private keys as Hardhat configuration variables
// (`por.operatorKey`, `por.aggregatorKey` in hardhat.config.ts, by default `configVariable("POR_OPERATOR_KEY")` and
// `configVariable("POR_AGGREGATOR_KEY")`). Hardhat resolves them when a task asks (`hre.config.por.operatorKey.get()`):
// from the environment variable of that name when it is set, else from the keystore (@nomicfoundation/hardhat-keystore,
// part of the toolbox: `npx hardhat keystore set POR_OPERATOR_KEY`). Nothing is read until `operator run` or
// `aggregator serve` runs, so no other task needs the keys.
import type { ConfigurationVariable, ResolvedConfigurationVariable } from "hardhat/types/config";
import type { HardhatPlugin } from "hardhat/types/plugins";

/** The keys' configuration variables as written in hardhat.config.ts. */
export interface PorKeysUserConfig {
  /** The operator node's key (`operator run`). Default: `configVariable("POR_OPERATOR_KEY")`. */
  operatorKey?: ConfigurationVariable;
  /** The aggregator's key (`aggregator serve`). Default: `configVariable("POR_AGGREGATOR_KEY")`. */
  aggregatorKey?: ConfigurationVariable;
  /**
   * The operator's X25519 encryption key, 32 bytes of hex (`operator run` opens private blobs with it,
   * `operator encryption-key register` registers its public key). Default: `configVariable("POR_ENCRYPTION_KEY")`.
   */
  encryptionKey?: ConfigurationVariable;
  /**
   * The operator's earlier X25519 encryption keys after a rotation, comma-separated 32-byte hex keys (`operator run`
   * opens a blob of t with the key the registry held at t). Default: `configVariable("POR_PREVIOUS_ENCRYPTION_KEYS")`.
   */
  previousEncryptionKeys?: ConfigurationVariable;
}

/** The keys' configuration variables as the tasks see them (resolved lazily: `get()` reads the value). */
export interface PorKeysConfig {
  operatorKey: ResolvedConfigurationVariable & { name: string };
  aggregatorKey: ResolvedConfigurationVariable & { name: string };
  encryptionKey: ResolvedConfigurationVariable & { name: string };
  previousEncryptionKeys: ResolvedConfigurationVariable & { name: string };
}

declare module "hardhat/types/config" {
  interface HardhatUserConfig {
    por?: PorKeysUserConfig;
  }
  interface HardhatConfig {
    por: PorKeysConfig;
  }
}

/** Registers `por.operatorKey`, `por.aggregatorKey` and `por.encryptionKey`; list it in hardhat.config.ts `plugins`. */
const porKeysPlugin: HardhatPlugin = {
  id: "por-keys",
  hookHandlers: { config: () => import("./keys-config-hooks.js") },
};

export default porKeysPlugin;
