import { writeFile } from "node:fs/promises";

import { Wallet, getAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { reserveOwnershipDigest, reserveRegistryDomain, signReserveOwnership } from "../src/chain/index.js";
import {
  TaskError,
  addressInput,
  clientTask,
  given,
  sendAndDescribe,
  userInput,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import { readReserveSignatureFile } from "../src/members/index.js";

export interface Args extends ClientArgs {
  /** The reserve wallet: a Hardhat account of the network, or the address to check --wallet-key-var against. */
  wallet?: string;
  /** Configuration variable holding the wallet's private key. */
  walletKeyVar?: string;
  /** A por.reserve-signature file (contract wallets). */
  signatureFile?: string;
  /** Write the message the wallet must sign to this file instead of registering. */
  writeRequest?: string;
  deadlineMinutes: number;
}

/** Read a wallet's private key from a configuration variable (environment, then Hardhat's keystore). */
async function readWalletKey(ctx: Client, name: string): Promise<string> {
  const value = await ctx.readConfigVariable(name);
  const key = value.startsWith("0x") ? value : `0x${value}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new TaskError(`--wallet-key-var ${name}: not a 32-byte private key`);
  return key;
}

async function deadlineFrom(ctx: Client, minutes: number): Promise<bigint> {
  if (!Number.isInteger(minutes) || minutes <= 0) throw new TaskError("--deadline-minutes must be a positive integer");
  const latest = await ctx.provider.getBlock("latest");
  if (latest === null) throw new TaskError("cannot read the latest block");
  return BigInt(latest.timestamp) + BigInt(minutes) * 60n;
}

/**
 * `hardhat reserve register`: register a reserve wallet for the signer (the member). The wallet signs the EIP-712
 * ReserveOwnership message with its own key: a Hardhat account of this network (--wallet), a private key held in a
 * configuration variable / Hardhat keystore (--wallet-key-var), or, for a contract wallet, a signature produced by
 * its signers (--signature-file; --write-request writes the message to sign).
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("reserve register", hre, args, (ctx) => reserveRegister(ctx, args));
}

/** The body of `reserve register` on a client (tests and scripts call it directly). */
export async function reserveRegister(ctx: Client, args: Args): Promise<void> {
  const sender = await ctx.signer();
  const reserves = await ctx.contract("reserveRegistry", sender);
  const reservesAddress = await reserves.getAddress();
  const domain = reserveRegistryDomain(ctx.chainId, reservesAddress);
  const member = sender.address;

  let wallet: string;
  let deadline: bigint;
  let signature: string;
  const signatureFile = args.signatureFile;
  if (given(signatureFile)) {
    const file = await userInput(() => readReserveSignatureFile(signatureFile));
    if (file.member !== getAddress(member)) {
      throw new TaskError(`${signatureFile}: signed for member ${file.member}, but the sender is ${member}`);
    }
    const nonce = await reserves.nonceOf(file.wallet);
    if (file.nonce !== nonce) {
      throw new TaskError(`${signatureFile}: nonce ${file.nonce}, but the wallet's current nonce is ${nonce}`);
    }
    ({ wallet, deadline, signature } = file);
  } else {
    let signer: Wallet | Awaited<ReturnType<typeof ctx.ethers.getSigner>>;
    if (given(args.walletKeyVar)) {
      signer = new Wallet(await readWalletKey(ctx, args.walletKeyVar));
      if (given(args.wallet) && getAddress(args.wallet) !== signer.address) {
        throw new TaskError(
          `--wallet ${args.wallet} does not match the key in ${args.walletKeyVar} (${signer.address})`,
        );
      }
    } else {
      const walletArg = args.wallet;
      if (!given(walletArg)) {
        throw new TaskError("give --wallet <address>, --wallet-key-var <variable> or --signature-file <file>");
      }
      addressInput("--wallet", walletArg);
      const accounts = await ctx.ethers.getSigners();
      const account = accounts.find((a) => a.address.toLowerCase() === walletArg.toLowerCase());
      if (!given(args.writeRequest) && account === undefined) {
        throw new TaskError(
          `--wallet ${walletArg} is not an account of this network: use --wallet-key-var, or --write-request ` +
            "and --signature-file for a contract wallet",
        );
      }
      signer = account ?? sender;
    }
    wallet = given(args.wallet) ? getAddress(args.wallet) : (signer as Wallet).address;
    deadline = await deadlineFrom(ctx, args.deadlineMinutes);
    const nonce = await reserves.nonceOf(wallet);
    const message = { member, wallet, deadline, nonce };
    if (given(args.writeRequest)) {
      const digest = reserveOwnershipDigest(domain, message);
      const request = {
        format: "por.reserve-signature",
        version: 1,
        member,
        wallet,
        deadline: deadline.toString(),
        nonce: nonce.toString(),
        signature: "0x",
        digest,
        typedData: { domain: { ...domain, chainId: ctx.chainId.toString() }, primaryType: "ReserveOwnership" },
      };
      await writeFile(args.writeRequest, `${JSON.stringify(request, null, 2)}\n`);
      ctx.out.line(`wrote ${args.writeRequest}: have the wallet sign EIP-712 digest ${digest}, put the signature in`);
      ctx.out.line(`  "signature", delete "digest" and "typedData", then run with --signature-file`);
      ctx.out.setAll({ request: args.writeRequest, digest });
      return;
    }
    signature = await signReserveOwnership(signer, domain, message);
  }
  ctx.out.line(`member ${member} registers reserve ${wallet} (signature valid until ${deadline})`);
  ctx.out.setAll({ member, wallet, deadline });
  await sendAndDescribe(ctx, "registerReserve", () => reserves.registerReserve(wallet, deadline, signature));
}
