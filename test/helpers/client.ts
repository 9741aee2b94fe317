// Task bodies on an in-process chain: a deployment directory holding the contracts a test deployed, a client (as the
// tasks' `openClient` makes it) whose printed lines are collected, and the assertion that a body fails in words.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import hre from "hardhat";

import {
  TaskError,
  TaskOutput,
  clientOf,
  writeDeployment,
  type Client,
  type ContractRole,
} from "../../src/client/index.js";
import { expectRejectContaining } from "./expect.js";

/** Writes a deployment directory holding the given contracts (role -> address); returns the directory. */
export async function deploymentDir(addresses: Partial<Record<ContractRole, string>>): Promise<string> {
  return writeDeployment(await mkdtemp(path.join(tmpdir(), "por-tasks-")), addresses);
}

/**
 * A client for `from` (as --from: an address, or "" for none) on a deployment directory, whose printed lines are
 * collected in `lines`; `root` is the directory (for scratch files).
 */
export async function testClient(
  ethers: HardhatEthers,
  from: string,
  dir: string,
  options: { variables?: Record<string, string>; json?: boolean } = {},
): Promise<{ ctx: Client; lines: string[]; root: string }> {
  const lines: string[] = [];
  const ctx = await clientOf(ethers, {
    deploymentDir: dir,
    root: dir,
    artifactsDir: hre.config.paths.artifacts,
    from,
    out: new TaskOutput(options.json === true, (line) => lines.push(line)),
    readConfigVariable: async (name) => {
      const value = options.variables?.[name];
      if (value === undefined) throw new TaskError(`configuration variable ${name} is not set`);
      return value;
    },
  });
  return { ctx, lines, root: dir };
}

/** Asserts that `promise` rejects with a TaskError whose message contains `words`. */
export async function expectTaskError(promise: Promise<unknown>, words: string): Promise<void> {
  expect(await expectRejectContaining(promise, words)).to.be.instanceOf(TaskError);
}
