// Step 2, chain: an embedded Ethereum chain whose accounts are the actors' keys (governance, the auditor, each
// member, as a user's network config lists its key), reached by the services over real JSON-RPC on loopback; every
// account is named for the gas book.
import { HDNodeWallet, JsonRpcProvider, Wallet, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { GasBook } from "../gas.js";
import { startRpcBridge, type Eip1193 } from "../rpc.js";
import type { ChainContext, DemoChain, DemoSetup } from "../context.js";

/** Starts the chain and the JSON-RPC bridge; names every actor's account in the gas book. */
export async function chain(ctx: DemoSetup): Promise<Pick<ChainContext, "chain" | "gas" | "stepGas">> {
  const { hre, p, res, scenario } = ctx;
  const c = await p.step("chain", "embedded chain + JSON-RPC on loopback", async (note) => {
    // The network's first account governs, as it would without the demo; the auditor and the members sign with
    // their own keys, as accounts of the network (their tasks' --from).
    const governance = await firstAccount(hre);
    const actors = [scenario.auditorKey, ...scenario.members.map((m) => m.privateKey)];
    const conn = await hre.network.create({
      override: { accounts: [governance, ...actors.map((privateKey) => ({ privateKey, balance: 0n }))] },
    });
    res.add("chain connection", () => conn.close());
    const bridge = await startRpcBridge(conn.provider as unknown as Eip1193);
    res.add("JSON-RPC bridge", () => bridge.close());
    // cacheTimeout -1: ethers otherwise answers identical calls within 250 ms from a cache, so a key sending two
    // transactions in quick succession (the aggregator) could read a stale nonce.
    const rpc = new JsonRpcProvider(bridge.url, undefined, { staticNetwork: true, polling: true, cacheTimeout: -1 });
    rpc.pollingInterval = 250;
    res.add("RPC provider", () => rpc.destroy());
    const [gov] = await conn.ethers.getSigners();
    const chainId = (await conn.ethers.provider.getNetwork()).chainId;
    note(`chain id ${chainId}, JSON-RPC at ${bridge.url}`);
    const eip = conn.provider as unknown as Eip1193;
    const mine = () => eip.request({ method: "evm_mine", params: [] });
    const demoChain: DemoChain = {
      conn,
      eip,
      rpc,
      bridge,
      gov: gov as unknown as Signer & { address: string },
      chainId,
      mine,
      async increaseTime(s) {
        await eip.request({ method: "evm_increaseTime", params: [s] });
        await mine();
      },
      async latest() {
        const b = (await eip.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as {
          timestamp: string;
        };
        return BigInt(b.timestamp);
      },
      setBalance: (address, wei) =>
        eip.request({ method: "hardhat_setBalance", params: [address, `0x${wei.toString(16)}`] }),
    };
    return demoChain;
  });
  const gas = new GasBook(c.eip);
  await gas.skipTo();
  gas.role(c.gov.address, "governance");
  gas.role(new Wallet(scenario.auditorKey).address, "auditor");
  scenario.members.forEach((m) => gas.role(m.address, m.name));
  gas.role(new Wallet(scenario.aggregatorKey).address, "aggregator");
  gas.role(new Wallet(scenario.verifierKey).address, "verifier");
  gas.role(scenario.cheat.omitted.payout, "victim (omitted)");
  gas.role(scenario.cheat.underReported.payout, "victim (under-reported)");
  return { chain: c, gas, stepGas: new Map() };
}

/** The first account of the network the demo runs on (its key and balance), from the network's config. */
async function firstAccount(hre: HardhatRuntimeEnvironment): Promise<{ privateKey: string; balance: bigint }> {
  const name = hre.globalOptions.network ?? "default";
  const config = hre.config.networks[name];
  if (config?.type !== "edr-simulated") throw new Error(`the demo runs on an in-process network; ${name} is not one`);
  const accounts = config.accounts;
  if (Array.isArray(accounts)) {
    if (accounts.length === 0) throw new Error(`network ${name} has no accounts: governance needs one`);
    return { privateKey: await accounts[0].privateKey.get(), balance: accounts[0].balance };
  }
  const path = `${accounts.path}/${accounts.initialIndex}`;
  const w = HDNodeWallet.fromPhrase(await accounts.mnemonic.get(), await accounts.passphrase.get(), path);
  return { privateKey: w.privateKey, balance: accounts.accountsBalance };
}
