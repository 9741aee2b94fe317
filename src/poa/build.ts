// Builds a member's PoA document for snapshot time t: the block of t, the wallets registered to the member before t,
// one ownership signature per wallet (local keys, a signature file, ERC-1271), and balances at that block.
import { Contract, ZeroAddress, getAddress, type Provider } from "ethers";

import { CONSORTIUM_REGISTRY_ABI, IERC20_METADATA_ABI, RESERVE_REGISTRY_ABI } from "../generated/abi.js";
import { findBlockAtTime, type BlockRef } from "./block.js";
import { validatePoa, type PoaDocument, type PoaSignatureFile } from "./document.js";
import { poaDomain, signReserveProof, verifyReserveProof, type ProofSigner, type ReserveProof } from "./ownership.js";

/** Inputs of {@link buildPoa}. */
export interface BuildPoaOptions {
  provider: Provider;
  /** Addresses of the deployment. */
  ledger: string;
  reserveRegistry: string;
  registry: string;
  member: string;
  t: bigint;
  /** 0 (default) for a snapshot commitment, else the request being answered. */
  requestId?: bigint;
  /** Asset ids to prove (each listed in the registry). */
  assets: readonly number[];
  /** Local keys of EOA (or ERC-1271 owner) wallets. */
  signers?: readonly ProofSigner[];
  /** Signatures made elsewhere. */
  signatureFiles?: readonly PoaSignatureFile[];
  /** Leave out wallets nobody signed for instead of failing. */
  skipUnsigned?: boolean;
  /** Progress and warnings. */
  log?: (message: string) => void;
  /** First block to read the ReserveRegistered events from (the deployment's; default 0). */
  fromBlock?: number;
}

/** Raised when a PoA cannot be built; the message says which wallet or asset. */
export class PoaBuildError extends Error {
  override name = "PoaBuildError";
}

/**
 * Every wallet that counted for `member` at `t` (registered before t, not removed at or before t): the current
 * reserves plus every wallet a `ReserveRegistered` event ever named for the member, filtered by `ownerAt`.
 * Sorted ascending.
 */
export async function reservesAt(
  provider: Provider,
  reserveRegistry: string,
  member: string,
  t: bigint,
  fromBlock = 0,
): Promise<string[]> {
  const rr = new Contract(reserveRegistry, RESERVE_REGISTRY_ABI, provider);
  const current = (await rr.getFunction("reservesOf")(member)) as string[];
  const logs = await rr.queryFilter(rr.filters.ReserveRegistered(member), fromBlock, "latest");
  const candidates = new Set<string>(current.map((w) => getAddress(w)));
  for (const l of logs) {
    if ("args" in l) candidates.add(getAddress(l.args[1] as string));
  }
  const out: string[] = [];
  for (const w of candidates) {
    const owner = (await rr.getFunction("ownerAt")(w, t)) as string;
    if (getAddress(owner) === getAddress(member)) out.push(w);
  }
  return out.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

/** Balance of `wallet` in `token` (ZeroAddress: ETH) at block `block`. */
export async function balanceAt(provider: Provider, token: string, wallet: string, block: number): Promise<bigint> {
  if (getAddress(token) === ZeroAddress) return provider.getBalance(wallet, block);
  const erc20 = new Contract(token, IERC20_METADATA_ABI, provider);
  return (await erc20.getFunction("balanceOf")(wallet, { blockTag: block })) as bigint;
}

/** Builds, self-checks and returns the PoA document. */
export async function buildPoa(o: BuildPoaOptions): Promise<PoaDocument> {
  const log = o.log ?? (() => undefined);
  const requestId = o.requestId ?? 0n;
  const member = getAddress(o.member);
  const { chainId } = await o.provider.getNetwork();
  if (o.assets.length === 0) throw new PoaBuildError("no assets to prove");
  const assets = [...new Set(o.assets)].sort((a, b) => a - b);

  const block: BlockRef = await findBlockAtTime(o.provider, o.t);
  log(`block of t = ${o.t}: ${block.number} (time ${block.timestamp})`);
  const wallets = await reservesAt(o.provider, o.reserveRegistry, member, o.t, o.fromBlock);
  log(`${wallets.length} reserve wallet(s) registered to ${member} before t`);

  const domain = poaDomain(chainId, o.ledger);
  const local = new Map<string, ProofSigner>();
  for (const s of o.signers ?? []) local.set(getAddress(await s.getAddress()), s);
  const fromFiles = new Map<string, string>();
  for (const f of o.signatureFiles ?? []) {
    if (BigInt(f.chainId) !== chainId || getAddress(f.ledger) !== getAddress(o.ledger)) {
      throw new PoaBuildError(`a signature file is for chain ${f.chainId} / ledger ${f.ledger}, not this deployment`);
    }
    if (getAddress(f.member) !== member || BigInt(f.t) !== o.t || BigInt(f.requestId) !== requestId) {
      throw new PoaBuildError(
        `a signature file is for member ${f.member}, t ${f.t}, request ${f.requestId}; expected ${member}, ${o.t}, ${requestId}`,
      );
    }
    for (const s of f.signatures) fromFiles.set(getAddress(s.wallet), s.signature);
  }

  const signed: PoaDocument["wallets"] = [];
  for (const wallet of wallets) {
    const message: ReserveProof = { member, wallet, t: o.t, requestId };
    let signature = fromFiles.get(wallet);
    const signer = local.get(wallet);
    if (signature === undefined && signer !== undefined) signature = await signReserveProof(signer, domain, message);
    if (signature === undefined) {
      if (o.skipUnsigned === true) {
        log(`warning: no signature for ${wallet}; left out of the PoA`);
        continue;
      }
      throw new PoaBuildError(
        `no ownership signature for reserve wallet ${wallet} (no local key, not in a signature file)`,
      );
    }
    const check = await verifyReserveProof(o.provider, domain, message, signature, block.number);
    if (!check.ok) throw new PoaBuildError(`reserve wallet ${wallet}: ${check.reason}`);
    signed.push({ wallet, kind: check.kind, signature });
  }

  const registry = new Contract(o.registry, CONSORTIUM_REGISTRY_ABI, o.provider);
  const assetEntries: PoaDocument["assets"] = [];
  for (const asset of assets) {
    const info = (await registry
      .getFunction("assetInfo")(asset)
      .catch(() => ({ token: ZeroAddress, listed: false }))) as { token: string; listed: boolean };
    if (!info.listed) throw new PoaBuildError(`asset ${asset} is not listed in the registry`);
    const balances: PoaDocument["assets"][number]["balances"] = [];
    let total = 0n;
    for (const w of signed) {
      const b = await balanceAt(o.provider, info.token, w.wallet, block.number);
      balances.push({ wallet: w.wallet, balance: b.toString() });
      total += b;
    }
    assetEntries.push({ asset, token: getAddress(info.token), total: total.toString(), balances });
    log(`asset ${asset}: ${total} base units in ${signed.length} wallet(s) at block ${block.number}`);
  }

  return validatePoa({
    format: "por.poa",
    version: 1,
    chainId: chainId.toString(),
    ledger: getAddress(o.ledger),
    reserveRegistry: getAddress(o.reserveRegistry),
    member,
    t: o.t.toString(),
    requestId: requestId.toString(),
    block,
    wallets: signed,
    assets: assetEntries,
  });
}
