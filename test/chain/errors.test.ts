import { expect } from "chai";
import { Interface, ZeroAddress } from "ethers";

import {
  combinedInterface,
  decodeLogs,
  decodeRevertData,
  explainError,
  findRevertData,
} from "../../src/chain/index.js";

const abi = [
  "error CollateralVaultWithdrawalLocked(address member, address token, uint64 executableAt)",
  "error ConsortiumRegistryNoKeyAt(address member, uint64 t)",
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
  "event MemberApplied(address indexed member, bytes32 profileDigest)",
];
const iface = combinedInterface([abi, ["error ConsortiumRegistryNoKeyAt(address member, uint64 t)"]]);
const member = "0x00000000000000000000000000000000000000AA";

describe("src/chain errors", function () {
  it("decodes a project custom error into words with named arguments", function () {
    const data = new Interface(abi).encodeErrorResult("CollateralVaultWithdrawalLocked", [member, ZeroAddress, 1700n]);
    const decoded = decodeRevertData(data, iface);
    expect(decoded?.name).to.equal("CollateralVaultWithdrawalLocked");
    expect(decoded?.message).to.equal(
      `CollateralVault: withdrawal locked (member ${member}, token ${ZeroAddress}, executableAt 1700)`,
    );
  });
  it("decodes Error(string) and Panic(uint256)", function () {
    const err = new Interface(["error Error(string)"]).encodeErrorResult("Error", ["boom"]);
    expect(decodeRevertData(err, iface)?.message).to.equal("reverted: boom");
    const panic = new Interface(["error Panic(uint256)"]).encodeErrorResult("Panic", [0x11n]);
    expect(decodeRevertData(panic, iface)?.message).to.equal("panic 0x11: arithmetic overflow or underflow");
  });
  it("returns undefined for an unknown selector and for empty data", function () {
    expect(decodeRevertData("0xdeadbeef", iface)).to.equal(undefined);
    expect(decodeRevertData("0x", iface)).to.equal(undefined);
  });
  it("finds revert data nested in provider errors and explains it", function () {
    const data = new Interface(abi).encodeErrorResult("ConsortiumRegistryNoKeyAt", [member, 5n]);
    const nested = { message: "execution reverted", info: { error: { data } } };
    expect(findRevertData(nested)).to.equal(data);
    expect(explainError(nested, iface)).to.equal(`ConsortiumRegistry: no key at (member ${member}, t 5)`);
    expect(explainError(new Error("plain"), iface)).to.equal("plain");
    expect(explainError({ data: "0xdeadbeef00" }, iface)).to.equal("reverted with unknown error data 0xdeadbeef00");
  });
  it("keeps one fragment per selector when ABIs overlap", function () {
    const names = iface.fragments.map((f) => f.format("sighash"));
    expect(names.filter((n) => n.startsWith("ConsortiumRegistryNoKeyAt")).length).to.equal(1);
  });
  it("decodes logs and marks unknown ones", function () {
    const e = new Interface(abi);
    const log = e.encodeEventLog("MemberApplied", [member, "0x" + "11".repeat(32)]);
    const decoded = decodeLogs(
      [
        { address: ZeroAddress, topics: log.topics, data: log.data },
        { address: ZeroAddress, topics: ["0x" + "22".repeat(32)], data: "0x" },
      ] as never,
      iface,
    );
    expect(decoded[0].name).to.equal("MemberApplied");
    expect(decoded[0].args[0]).to.deep.equal({ name: "member", value: member });
    expect(decoded[1].name).to.equal("unknown");
  });
});
