// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IReserveRegistry
/// @notice One reserve-address registry across all members (D3). A member registers a wallet with an EIP-712
/// ownership signature from that wallet (ECDSA for EOAs, ERC-1271 for contract wallets); a wallet belongs to at most
/// one member at any time, and every registration interval is kept so a verifier can tell whether a wallet counted
/// for a member at a snapshot time.
/// @dev EIP-712 domain: name "PoR ReserveRegistry", version "1", this chain's id, this contract. Signed struct:
/// `ReserveOwnership(address member,address wallet,uint64 deadline,uint256 nonce)` where nonce = nonceOf(wallet).
/// A wallet counts for `member` at snapshot time t iff some registration of it to member has
/// `registeredAt < t` and (`removedAt == 0` or `t < removedAt`): see ownerAt.
interface IReserveRegistry {
    /// @notice One registration interval of a wallet.
    /// @param member The member the wallet was registered to.
    /// @param registeredAt Registration time.
    /// @param removedAt Removal time; 0 while the registration stands.
    struct Registration {
        address member;
        uint64 registeredAt;
        uint64 removedAt;
    }

    /// @notice The caller's status in the consortium registry does not allow registering reserves.
    error ReserveRegistryNotMember(address caller);
    /// @notice The signature's deadline passed.
    error ReserveRegistrySignatureExpired(uint64 deadline, uint256 nowTime);
    /// @notice The signature is not `wallet`'s signature of the ownership message.
    error ReserveRegistryInvalidSignature(address wallet);
    /// @notice The wallet is already registered (to `member`).
    error ReserveRegistryAlreadyRegistered(address wallet, address member);
    /// @notice The wallet is not currently registered.
    error ReserveRegistryNotRegistered(address wallet);
    /// @notice The caller may not remove this registration (not its member, not governance, member not gone).
    error ReserveRegistryNotAllowed(address caller, address wallet);
    /// @notice A zero address where an address is needed.
    error ReserveRegistryZeroAddress();

    /// @notice Emitted when `wallet` was registered to `member`.
    /// @param member The member.
    /// @param wallet The reserve wallet.
    /// @param nonce The wallet nonce the signature used.
    /// @param registeredAt Registration time.
    event ReserveRegistered(address indexed member, address indexed wallet, uint256 nonce, uint64 registeredAt);
    /// @notice Emitted when `wallet`'s registration to `member` ended.
    /// @param member The member.
    /// @param wallet The reserve wallet.
    /// @param by The account that removed it.
    /// @param removedAt Removal time.
    event ReserveRemoved(address indexed member, address indexed wallet, address indexed by, uint64 removedAt);

    /// @notice Register `wallet` as a reserve address of the caller (Applied, Probation or Active member).
    /// @param wallet The reserve wallet; it signed the ownership message.
    /// @param deadline Last second the signature is valid.
    /// @param signature The wallet's EIP-712 signature (65-byte ECDSA, or anything its ERC-1271 check accepts).
    function registerReserve(address wallet, uint64 deadline, bytes calldata signature) external;

    /// @notice End `wallet`'s current registration. Allowed to its member, to governance, and to anyone once the
    /// member is Exited or Ejected.
    /// @param wallet The reserve wallet.
    function removeReserve(address wallet) external;

    /// @notice The member `wallet` is currently registered to, and since when; (0, 0) if none.
    function ownerOf(address wallet) external view returns (address member, uint64 registeredAt);

    /// @notice The member `wallet` counted for at snapshot time `t` (0 if none): registered before t, not removed
    /// at or before t.
    function ownerAt(address wallet, uint64 t) external view returns (address member);

    /// @notice The wallets currently registered to `member` (unordered).
    function reservesOf(address member) external view returns (address[] memory);

    /// @notice All registration intervals of `wallet`, oldest first.
    function registrationsOf(address wallet) external view returns (Registration[] memory);

    /// @notice The nonce the next ownership signature of `wallet` must use.
    function nonceOf(address wallet) external view returns (uint256);

    /// @notice The EIP-712 digest `wallet` must sign to register with `member`.
    function ownershipDigest(
        address member,
        address wallet,
        uint64 deadline,
        uint256 nonce
    ) external view returns (bytes32);

    /// @notice The consortium registry consulted for membership.
    function registry() external view returns (address);
}
