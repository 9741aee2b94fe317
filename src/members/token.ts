// Collateral token selection for the collateral tasks: "ETH" or an ERC-20 address.
import { Contract, ZeroAddress, getAddress, isAddress, type ContractRunner } from "ethers";

import { IERC20_METADATA_ABI } from "../generated/abi.js";

/** A collateral token: address(0) for ETH. */
export interface TokenInfo {
  address: string;
  symbol: string;
  decimals: number;
  /** The ERC-20 contract (undefined for ETH). */
  erc20?: Contract;
}

/** Resolve `--token`: "ETH" (any case) or an ERC-20 address; reads its symbol and decimals. */
export async function resolveToken(text: string, runner: ContractRunner): Promise<TokenInfo> {
  if (text === "" || text.toUpperCase() === "ETH" || text === ZeroAddress) {
    return { address: ZeroAddress, symbol: "ETH", decimals: 18 };
  }
  if (!isAddress(text)) throw new Error(`--token: "${text}" is neither ETH nor a 0x-prefixed token address`);
  const address = getAddress(text);
  const erc20 = new Contract(address, IERC20_METADATA_ABI, runner);
  try {
    const [decimals, symbol] = await Promise.all([
      erc20.decimals() as Promise<bigint>,
      erc20.symbol() as Promise<string>,
    ]);
    return { address, symbol, decimals: Number(decimals), erc20 };
  } catch {
    throw new Error(`--token ${address}: not an ERC-20 with decimals() and symbol() on this chain`);
  }
}
