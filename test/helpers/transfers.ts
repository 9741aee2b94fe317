// The transfer tests' system: the consortium from its Ignition module (test/contracts/ledger-fixture.ts) with the
// first operator as a recipient member that has registered a fresh ETH deposit address.
import { Wallet } from "ethers";

import { signDepositAddress, transfersDomain } from "../../src/transfers/index.js";
import { ETH_ASSET, deployLedgerSystem } from "../contracts/ledger-fixture.js";

type Connection = Parameters<typeof deployLedgerSystem>[0];

/** Deploys the system; the recipient (operators[0]) registers `deposit` for ETH. */
export async function recipientSystem(conn: Connection) {
  const f = await deployLedgerSystem(conn);
  const { ethers, networkHelpers } = conn;
  const domain = transfersDomain((await ethers.provider.getNetwork()).chainId, await f.transfers.getAddress());
  const recipient = f.operators[0];
  const deposit = Wallet.createRandom();
  const deadline = BigInt(await networkHelpers.time.latest()) + 3_600n;
  const proof = await signDepositAddress(deposit, domain, recipient.address, ETH_ASSET, deadline);
  await f.transfers.connect(recipient).registerDepositAddress(ETH_ASSET, deposit.address, deadline, proof);
  return { ...f, domain, recipient, deposit, startBlock: await ethers.provider.getBlockNumber() };
}
