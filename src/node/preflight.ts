// Configuration checked at start, before a service does anything: paths that must exist exist (a database is created
// only where asked), every contract address has code and answers the interface the service calls, addresses that
// must agree do, and the chain id matches. Every failure is a ConfigError naming the setting.
import { stat } from "node:fs/promises";
import { dirname } from "node:path";

import { Contract, ZeroAddress, getAddress, type InterfaceAbi, type Provider } from "ethers";

import { classifyError, errorMessage } from "../chain/rpc.js";
import {
  COLLATERAL_VAULT_ABI as VAULT_ABI,
  COMMITMENT_LEDGER_ABI as LEDGER_ABI,
  CONSORTIUM_REGISTRY_ABI,
  RESERVE_REGISTRY_ABI,
} from "../generated/abi.js";
import { ConfigError } from "./config.js";
import { withRetry } from "../chain/retry.js";

async function kindOf(path: string): Promise<"file" | "dir" | "other" | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? "file" : s.isDirectory() ? "dir" : "other";
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/**
 * A SQLite database file that must exist, unless `create` (then its directory must exist). `:memory:` and
 * `postgres://` URLs pass.
 */
export async function checkDatabasePath(setting: string, path: string, create: boolean): Promise<void> {
  if (path === ":memory:" || /^postgres(ql)?:\/\//i.test(path)) return;
  const k = await kindOf(path);
  if (k === "file") return;
  if (k !== undefined) throw new ConfigError(setting, `${path} is not a database file`);
  if (!create) {
    throw new ConfigError(setting, `${path} does not exist (pass --create on the first run to create the database)`);
  }
  if ((await kindOf(dirname(path))) !== "dir") {
    throw new ConfigError(setting, `the directory of ${path} does not exist`);
  }
}

/** A directory that must exist. */
export async function checkDirectory(setting: string, path: string): Promise<void> {
  const k = await kindOf(path);
  if (k === undefined) throw new ConfigError(setting, `directory ${path} does not exist`);
  if (k !== "dir") throw new ConfigError(setting, `${path} is not a directory`);
}

/** One contract a service calls: the setting that names it, its address, and a view it must answer. */
export interface ContractProbe {
  setting: string;
  address: string;
  /** What the contract should be, for the error ("a CommitmentLedger"). */
  what: string;
  abi: InterfaceAbi;
  /** A view call the contract must answer; may return addresses to compare with other settings. */
  probe: (c: Contract) => Promise<unknown>;
}

/**
 * Every probed address holds code and answers its probe. RPC failures are retried until `signal` aborts (an endpoint
 * that is down is not a configuration mistake); a contract that reverts or answers undecodable data is one.
 */
export async function checkContracts(
  provider: Provider,
  probes: readonly ContractProbe[],
  o: { signal?: AbortSignal; chainId?: bigint } = {},
): Promise<Map<string, unknown>> {
  const answers = new Map<string, unknown>();
  const on = o.chainId === undefined ? "" : ` on chain ${o.chainId}`;
  for (const p of probes) {
    const retry = { attempts: Infinity, maxMs: 5_000, signal: o.signal, what: `${p.setting} probe` };
    const code = await withRetry(() => provider.getCode(p.address), retry);
    if (code === "0x") throw new ConfigError(p.setting, `no contract at ${p.address}${on}`);
    try {
      answers.set(p.setting, await withRetry(() => p.probe(new Contract(p.address, p.abi, provider)), retry));
    } catch (e) {
      if (classifyError(e) === "unavailable") throw e;
      throw new ConfigError(
        p.setting,
        `the contract at ${p.address}${on} does not answer as ${p.what} (${errorMessage(e)})`,
      );
    }
  }
  return answers;
}

/** The chain's id, compared with the configured one. */
export function checkChainId(expected: bigint | number | undefined, actual: bigint): void {
  if (expected !== undefined && BigInt(expected) !== actual) {
    throw new ConfigError("chainId", `the RPC endpoint is on chain ${actual}, the configuration says ${expected}`);
  }
}

const same = (a: unknown, b: string) => typeof a === "string" && getAddress(a) === getAddress(b);

/** The operator node's contracts: ledger, registry, reserve registry, and the ledger's adjudicator. */
export async function checkNodeContracts(
  provider: Provider,
  a: { ledger: string; registry: string; reserveRegistry: string; adjudicator: string },
  o: { signal?: AbortSignal; chainId?: bigint } = {},
): Promise<void> {
  const answers = await checkContracts(
    provider,
    [
      {
        setting: "ledger",
        address: a.ledger,
        what: "a CommitmentLedger",
        abi: LEDGER_ABI,
        probe: async (c) => {
          await c.getFunction("quorumParams")();
          return c.getFunction("adjudicator")();
        },
      },
      {
        setting: "registry",
        address: a.registry,
        what: "a ConsortiumRegistry",
        abi: CONSORTIUM_REGISTRY_ABI,
        probe: (c) => c.getFunction("assetIds")(),
      },
      {
        setting: "reserveRegistry",
        address: a.reserveRegistry,
        what: "a ReserveRegistry",
        abi: RESERVE_REGISTRY_ABI,
        probe: (c) => c.getFunction("reservesOf")(ZeroAddress),
      },
    ],
    o,
  );
  if (!same(answers.get("ledger"), a.adjudicator)) {
    throw new ConfigError(
      "adjudicator",
      `${a.adjudicator} is not the ledger's adjudicator (the ledger at ${a.ledger} names ${String(answers.get("ledger"))})`,
    );
  }
}

/** The aggregator's contracts: ledger, registry, and the registry's collateral vault. */
export async function checkAggregatorContracts(
  provider: Provider,
  a: { ledger: string; registry: string; vault: string },
  o: { signal?: AbortSignal; chainId?: bigint } = {},
): Promise<void> {
  const answers = await checkContracts(
    provider,
    [
      {
        setting: "ledger",
        address: a.ledger,
        what: "a CommitmentLedger",
        abi: LEDGER_ABI,
        probe: (c) => c.getFunction("quorumParams")(),
      },
      {
        setting: "registry",
        address: a.registry,
        what: "a ConsortiumRegistry",
        abi: CONSORTIUM_REGISTRY_ABI,
        probe: (c) => c.getFunction("stakeSource")(),
      },
      {
        setting: "vault",
        address: a.vault,
        what: "a stake source (CollateralVault or EigenLayerStakeSource)",
        abi: VAULT_ABI,
        probe: (c) => c.getFunction("stakeOf")(ZeroAddress),
      },
    ],
    o,
  );
  if (!same(answers.get("registry"), a.vault)) {
    throw new ConfigError(
      "vault",
      `${a.vault} is not the registry's stake source (the registry at ${a.registry} names ${String(answers.get("registry"))})`,
    );
  }
}
