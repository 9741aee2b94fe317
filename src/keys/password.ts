// Where a keystore password comes from: a Hardhat configuration variable (the Hardhat keystore, or the environment)
// when one is named, else the environment variable POR_KEYSTORE_PASSWORD, else a hidden prompt when a terminal is
// attached. Never from a command-line argument (it would land in shell history).
import { createInterface } from "node:readline";

import { configVariable } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

/** Environment variable holding the keystore password for non-interactive runs. */
export const PASSWORD_ENV = "POR_KEYSTORE_PASSWORD";

/** Reads a Hardhat configuration variable (the keystore plugin answers first, then the environment). */
export async function readConfigVariable(hre: HardhatRuntimeEnvironment, name: string): Promise<string> {
  return hre.hooks.runHandlerChain("configurationVariables", "fetchValue", [configVariable(name)], async (_c, v) => {
    const env = process.env[v.name];
    if (env === undefined) throw new Error(`configuration variable ${name} is not set (Hardhat keystore or env)`);
    return env;
  });
}

/**
 * Reads the keystore password: from the configuration variable of `--password-var` if given (`passwordVar`; needs
 * `hre`), else from POR_KEYSTORE_PASSWORD, else from a hidden prompt.
 */
export async function readPassword(
  prompt = "Keystore password: ",
  passwordVar?: string,
  hre?: HardhatRuntimeEnvironment,
): Promise<string> {
  if (passwordVar !== undefined && passwordVar !== "") {
    if (hre === undefined) throw new Error("--password-var needs the Hardhat runtime");
    return readConfigVariable(hre, passwordVar);
  }
  const env = process.env[PASSWORD_ENV];
  if (env !== undefined && env !== "") return env;
  if (!process.stdin.isTTY) {
    throw new Error(`no keystore password: set ${PASSWORD_ENV}, pass --password-var, or run in a terminal`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void };
  let muted = false;
  out._writeToOutput = (s: string) => {
    if (!muted) process.stderr.write(s);
  };
  try {
    return await new Promise<string>((resolve) => {
      rl.question(prompt, (answer) => {
        process.stderr.write("\n");
        resolve(answer);
      });
      muted = true;
    });
  } finally {
    rl.close();
  }
}
