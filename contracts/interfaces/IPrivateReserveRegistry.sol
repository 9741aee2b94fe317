// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IPrivateReserveRegistry
/// @notice The reserve wallets of private-mode members (docs/protocol.md section 17.8), as salted commitments: nothing
/// on-chain names a wallet. A member registers `c = keccak256(abi.encode(COMMITMENT_DOMAIN, chainId, this, member,
/// wallet, salt))` before a snapshot time t; its private PoA (inside the encrypted blob, read by the operators only)
/// opens c to `(member, wallet, salt)` and carries the wallet's EIP-712 consent to back the member. No signature is
/// checked here: the operators check the opening and the consent off-chain.
/// @dev EIP-712 domain of the consent: name "PoR PrivateReserveRegistry", version "1", this chain's id, this
/// contract. Signed struct: `PrivateReserve(address member,bytes32 commitment)`. A commitment is in force for its
/// member at snapshot time t iff `registeredAt < t` and (`removedAt == 0` or `t < removedAt`), the rule of
/// `IReserveRegistry.ownerAt`.
interface IPrivateReserveRegistry {
    /// @notice The record of one commitment.
    /// @param member The member that registered it (0 for an unknown commitment).
    /// @param registeredAt Registration time.
    /// @param removedAt Removal time; 0 while the commitment stands.
    struct CommitmentRecord {
        address member;
        uint64 registeredAt;
        uint64 removedAt;
    }

    /// @notice The caller's status in the consortium registry does not allow registering reserves.
    error PrivateReserveRegistryNotMember(address caller);
    /// @notice The commitment was registered before (by `member`); a commitment is registered once, ever.
    error PrivateReserveRegistryAlreadyRegistered(bytes32 commitment, address member);
    /// @notice The commitment is not registered, or was removed already.
    error PrivateReserveRegistryNotRegistered(bytes32 commitment);
    /// @notice The caller may not remove this commitment (not its member, not governance, member not gone).
    error PrivateReserveRegistryNotAllowed(address caller, bytes32 commitment);
    /// @notice A zero address or a zero commitment where one is needed.
    error PrivateReserveRegistryZero();

    /// @notice Emitted when `member` registered `commitment`.
    /// @param member The member.
    /// @param commitment The salted wallet commitment.
    /// @param registeredAt Registration time.
    event CommitmentRegistered(address indexed member, bytes32 indexed commitment, uint64 registeredAt);
    /// @notice Emitted when `commitment` of `member` was removed.
    /// @param member The member.
    /// @param commitment The commitment.
    /// @param by The account that removed it.
    /// @param removedAt Removal time.
    event CommitmentRemoved(address indexed member, bytes32 indexed commitment, address indexed by, uint64 removedAt);

    /// @notice Register `commitment` as a reserve wallet commitment of the caller (Applied, Probation or Active
    /// member, as `IReserveRegistry.registerReserve`).
    /// @param commitment `commitmentOf(caller, wallet, salt)` for a wallet the caller holds and a random 32-byte salt.
    function registerCommitment(bytes32 commitment) external;

    /// @notice End `commitment`. Allowed to its member, to governance, and to anyone once the member is Exited or
    /// Ejected.
    /// @param commitment The commitment.
    function removeCommitment(bytes32 commitment) external;

    /// @notice The record of `commitment` (member 0 if it was never registered).
    function commitmentRecord(bytes32 commitment) external view returns (CommitmentRecord memory);

    /// @notice The member `commitment` is in force for at snapshot time `t` (0 if none): registered before t, not
    /// removed at or before t.
    function memberAt(bytes32 commitment, uint64 t) external view returns (address member);

    /// @notice Every commitment `member` registered, removed ones included, oldest first.
    function commitmentsOf(address member) external view returns (bytes32[] memory);

    /// @notice How many commitments `member` registered, removed ones included.
    function commitmentCount(address member) external view returns (uint256);

    /// @notice The commitment of `wallet` with `salt` for `member` on this chain and registry.
    function commitmentOf(address member, address wallet, bytes32 salt) external view returns (bytes32);

    /// @notice The EIP-712 digest a wallet signs to consent to back `member` through `commitment`.
    function consentDigest(address member, bytes32 commitment) external view returns (bytes32);

    /// @notice The consortium registry consulted for membership.
    function registry() external view returns (address);
}
