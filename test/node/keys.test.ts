// The operator node's and the aggregator's keys are Hardhat configuration variables (src/hardhat/keys-plugin.ts):
// `hre.config.por.operatorKey` / `aggregatorKey` / `encryptionKey`, resolved by Hardhat when a task asks, from the environment variable
// of that name when it is set, else from a configuration-variables plugin (the keystore). A stand-in keystore plugin
// (a `configurationVariables.fetchValue` hook, as @nomicfoundation/hardhat-keystore has) keeps the test from prompting
// for a password or touching the machine's keystore.
import { expect } from "chai";
import hre from "hardhat";
import { configVariable } from "hardhat/config";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import type { HardhatPlugin } from "hardhat/types/plugins";

import porKeysPlugin from "../../src/hardhat/keys-plugin.js";
import { resolveOptionalPrivateKey, resolvePreviousEncryptionKeys, resolvePrivateKey } from "../../src/node/index.js";
import { rejectionOf } from "../helpers/expect.js";

const STORED = "0x" + "11".repeat(32);
const FROM_ENV = "0x" + "22".repeat(32);

/** A keystore stand-in holding `values`. */
function fakeKeystore(values: Record<string, string>): HardhatPlugin {
  return {
    id: "fake-keystore",
    hookHandlers: {
      configurationVariables: async () => ({
        default: async () => ({
          fetchValue: async (context, variable, next) => values[variable.name] ?? next(context, variable),
        }),
      }),
    },
  };
}

async function hreWith(values: Record<string, string>) {
  return createHardhatRuntimeEnvironment({
    plugins: [porKeysPlugin, fakeKeystore(values)],
    por: { operatorKey: configVariable("POR_TEST_OPERATOR_KEY") },
  });
}

describe("service keys as Hardhat configuration variables", () => {
  afterEach(() => {
    delete process.env.POR_TEST_OPERATOR_KEY;
    delete process.env.POR_AGGREGATOR_KEY;
  });

  it("the project's config declares POR_OPERATOR_KEY and POR_AGGREGATOR_KEY", () => {
    expect(hre.config.por.operatorKey.name).to.equal("POR_OPERATOR_KEY");
    expect(hre.config.por.aggregatorKey.name).to.equal("POR_AGGREGATOR_KEY");
  });

  it("reads the key from the keystore when the environment variable is not set", async () => {
    const h = await hreWith({ POR_TEST_OPERATOR_KEY: STORED.slice(2) });
    expect(await resolvePrivateKey(h.config.por.operatorKey)).to.equal(STORED);
  });

  it("the environment variable, when set, is used as it is (Hardhat's order: environment, then keystore)", async () => {
    process.env.POR_TEST_OPERATOR_KEY = FROM_ENV;
    const h = await hreWith({ POR_TEST_OPERATOR_KEY: STORED });
    expect(await resolvePrivateKey(h.config.por.operatorKey)).to.equal(FROM_ENV);
  });

  it("a key found nowhere names the variable and how to store it; the default names are used when unset", async () => {
    const h = await hreWith({});
    expect(h.config.por.aggregatorKey.name).to.equal("POR_AGGREGATOR_KEY");
    const e = await rejectionOf(resolvePrivateKey(h.config.por.aggregatorKey));
    expect(e.message).to.equal(
      "no key in POR_AGGREGATOR_KEY: store it with `npx hardhat keystore set POR_AGGREGATOR_KEY` or set the " +
        "environment variable POR_AGGREGATOR_KEY",
    );
  });

  it("the encryption key (POR_ENCRYPTION_KEY) is optional: found nowhere is undefined, a bad value is refused", async () => {
    const h = await hreWith({});
    expect(h.config.por.encryptionKey.name).to.equal("POR_ENCRYPTION_KEY");
    expect(await resolveOptionalPrivateKey(h.config.por.encryptionKey)).to.equal(undefined);
    // During tests Hardhat reads only the development keystore and says so in other words: absent too.
    const devOnly = {
      name: "POR_ENCRYPTION_KEY",
      get: () =>
        Promise.reject(new Error('HHE50002: Key "POR_ENCRYPTION_KEY" not found in the development keystore. Run ...')),
    };
    expect(await resolveOptionalPrivateKey(devOnly)).to.equal(undefined);
    const broken = { name: "POR_ENCRYPTION_KEY", get: () => Promise.reject(new Error("keystore password wrong")) };
    expect((await rejectionOf(resolveOptionalPrivateKey(broken))).message).to.equal("keystore password wrong");
    const stored = await hreWith({ POR_ENCRYPTION_KEY: STORED.slice(2) });
    expect(await resolveOptionalPrivateKey(stored.config.por.encryptionKey)).to.equal(STORED);
    const bad = await hreWith({ POR_ENCRYPTION_KEY: "0x12" });
    expect((await rejectionOf(resolveOptionalPrivateKey(bad.config.por.encryptionKey))).message).to.equal(
      "POR_ENCRYPTION_KEY must hold a 32-byte hex private key",
    );
  });

  it("the earlier encryption keys (POR_PREVIOUS_ENCRYPTION_KEYS) are optional, comma-separated; a bad entry is named by position", async () => {
    const h = await hreWith({});
    expect(h.config.por.previousEncryptionKeys.name).to.equal("POR_PREVIOUS_ENCRYPTION_KEYS");
    expect(await resolvePreviousEncryptionKeys(h.config.por.previousEncryptionKeys)).to.deep.equal([]);
    const two = await hreWith({ POR_PREVIOUS_ENCRYPTION_KEYS: `${STORED}, ${FROM_ENV.slice(2)}` });
    expect(await resolvePreviousEncryptionKeys(two.config.por.previousEncryptionKeys)).to.deep.equal([
      STORED,
      FROM_ENV,
    ]);
    const empty = await hreWith({ POR_PREVIOUS_ENCRYPTION_KEYS: " " });
    expect(await resolvePreviousEncryptionKeys(empty.config.por.previousEncryptionKeys)).to.deep.equal([]);
    const bad = await hreWith({ POR_PREVIOUS_ENCRYPTION_KEYS: `${STORED},hunter2` });
    const e = await rejectionOf(resolvePreviousEncryptionKeys(bad.config.por.previousEncryptionKeys));
    expect(e.message).to.equal("POR_PREVIOUS_ENCRYPTION_KEYS (entry 2) must hold a 32-byte hex private key");
  });

  it("a stored value that is not a key is refused without showing it", async () => {
    const h = await hreWith({ POR_TEST_OPERATOR_KEY: "hunter2" });
    const e = await rejectionOf(resolvePrivateKey(h.config.por.operatorKey));
    expect(e.message).to.equal("POR_TEST_OPERATOR_KEY must hold a 32-byte hex private key");
  });

  it("refuses a key configured as a plain string (it would sit in the config file)", async () => {
    const e = await rejectionOf(
      createHardhatRuntimeEnvironment({
        plugins: [porKeysPlugin],
        por: { operatorKey: STORED as never },
      }),
    );
    expect(e.message).to.match(/por\.operatorKey.*must be a configuration variable/s);
  });
});
