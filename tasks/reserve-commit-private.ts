import { Wallet, getAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

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
import {
  newPrivateReserve,
  readPrivateReserves,
  writePrivateReserves,
  type ConsentSigner,
} from "../src/private/index.js";

export interface Args extends ClientArgs {
  /** The reserve wallet: a Hardhat account of the network, or the address of a contract wallet with --consent. */
  wallet?: string;
  /** Configuration variable holding the wallet's private key. */
  walletKeyVar?: string;
  /** A consent signature made elsewhere (contract wallets), for the salt in --salt. */
  consent?: string;
  /** The salt --consent was signed for (with --consent only; otherwise a fresh random one). */
  salt?: string;
  /** The member's private-reserves file (created when absent; the salts in it are secret). */
  file: string;
}

/**
 * `hardhat reserve commit-private`: commit a reserve wallet of the signer (a private-mode member) in
 * PrivateReserveRegistry (docs/protocol.md section 17.8): a fresh 32-byte salt, the commitment
 * `keccak256(abi.encode(keccak256("por.private.reserve.v1"), chainId, registry, member, wallet, salt))`, the wallet's
 * EIP-712 consent `PrivateReserve(member, commitment)` (its own key: --wallet or --wallet-key-var; a contract wallet:
 * --consent with its --salt). The entry is written to --file before the commitment is sent, so a salt is never lost;
 * `poa build --private-reserves <file>` then uses the file's wallets in force at t.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("reserve commit-private", hre, args, (ctx) => reserveCommitPrivate(ctx, args));
}

/** The body of `reserve commit-private` on a client (tests and the demo call it directly). */
export async function reserveCommitPrivate(ctx: Client, args: Args): Promise<void> {
  const sender = await ctx.signer();
  const prr = await ctx.contract("privateReserveRegistry", sender);
  const privateReserveRegistry = await prr.getAddress();
  const member = getAddress(sender.address);
  let signer: ConsentSigner | undefined;
  let wallet: string;
  if (given(args.consent)) {
    if (!given(args.wallet) || !given(args.salt))
      throw new TaskError("--consent needs --wallet and the --salt it signed");
    wallet = addressInput("--wallet", args.wallet);
    if (!/^0x[0-9a-fA-F]{64}$/.test(args.salt)) throw new TaskError("--salt: not 32 bytes of hex");
  } else if (given(args.walletKeyVar)) {
    const value = await ctx.readConfigVariable(args.walletKeyVar);
    const key = value.startsWith("0x") ? value : `0x${value}`;
    if (!/^0x[0-9a-fA-F]{64}$/.test(key)) {
      throw new TaskError(`--wallet-key-var ${args.walletKeyVar}: not a 32-byte private key`);
    }
    const w = new Wallet(key);
    if (given(args.wallet) && getAddress(args.wallet) !== w.address) {
      throw new TaskError(`--wallet ${args.wallet} does not match the key in ${args.walletKeyVar} (${w.address})`);
    }
    signer = w;
    wallet = w.address;
  } else {
    const walletArg = args.wallet;
    if (!given(walletArg)) throw new TaskError("give --wallet <address>, --wallet-key-var <variable> or --consent");
    wallet = addressInput("--wallet", walletArg);
    const account = (await ctx.ethers.getSigners()).find((a) => a.address === wallet);
    if (account === undefined) {
      throw new TaskError(`--wallet ${wallet} is not an account of this network: use --wallet-key-var or --consent`);
    }
    signer = account;
  }
  if (given(args.salt) && !given(args.consent)) throw new TaskError("--salt goes with --consent only");
  const file = await userInput(() =>
    readPrivateReserves(args.file, { chainId: ctx.chainId, privateReserveRegistry, member }),
  );
  if (getAddress(file.member) !== member || getAddress(file.privateReserveRegistry) !== privateReserveRegistry) {
    throw new TaskError(
      `${args.file} is for member ${file.member} at ${file.privateReserveRegistry}, not ${member} at ${privateReserveRegistry}`,
    );
  }
  const rr = await ctx.contract("reserveRegistry");
  const [owner] = await rr.ownerOf(wallet);
  if (owner !== "0x0000000000000000000000000000000000000000") {
    throw new TaskError(
      `wallet ${wallet} is registered publicly in ReserveRegistry (to ${owner}): its balance is public, so it cannot ` +
        "back a private member (remove the public registration first, or use another wallet)",
    );
  }
  const entry = await userInput(() =>
    newPrivateReserve({
      provider: ctx.provider,
      chainId: ctx.chainId,
      privateReserveRegistry,
      member,
      wallet,
      signer,
      ...(given(args.consent) ? { consent: args.consent, salt: args.salt } : {}),
    }),
  );
  await writePrivateReserves(args.file, { ...file, reserves: [...file.reserves, entry] });
  ctx.out.line(`member ${member} commits reserve ${wallet} as ${entry.commitment} (salt kept in ${args.file})`);
  ctx.out.setAll({ member, wallet, commitment: entry.commitment, file: args.file });
  await sendAndDescribe(ctx, "registerCommitment", () => prr.registerCommitment(entry.commitment));
}
