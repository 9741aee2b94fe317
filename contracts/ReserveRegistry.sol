// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {IReserveRegistry} from "./interfaces/IReserveRegistry.sol";
import {MemberStatuses} from "./libraries/MemberStatuses.sol";

/// @title ReserveRegistry
/// @notice Exclusive, signature-checked registry of the members' reserve wallets, with full registration history.
/// @dev Governance is whoever holds DEFAULT_ADMIN_ROLE on the consortium registry.
contract ReserveRegistry is IReserveRegistry, EIP712 {
    using MemberStatuses for IConsortiumRegistry.MemberStatus;

    /// @notice EIP-712 type hash of the ownership message.
    bytes32 public constant RESERVE_OWNERSHIP_TYPEHASH = keccak256(
        "ReserveOwnership(address member,address wallet,uint64 deadline,uint256 nonce)"
    );

    IConsortiumRegistry private immutable _REGISTRY;

    mapping(address wallet => Registration[] history) private _history;
    mapping(address wallet => uint256 nonce) private _nonces;
    mapping(address member => address[] wallets) private _reserves;
    /// @dev Position + 1 of a wallet in its member's _reserves list; 0 when not currently registered.
    mapping(address wallet => uint256 position) private _positions;

    /// @param registry_ The consortium registry.
    constructor(address registry_) EIP712("PoR ReserveRegistry", "1") {
        if (registry_ == address(0)) revert ReserveRegistryZeroAddress();
        _REGISTRY = IConsortiumRegistry(registry_);
    }

    /// @inheritdoc IReserveRegistry
    function registerReserve(address wallet, uint64 deadline, bytes calldata signature) external {
        if (wallet == address(0)) revert ReserveRegistryZeroAddress();
        if (!_REGISTRY.statusOf(msg.sender).isEnrolled()) revert ReserveRegistryNotMember(msg.sender);
        if (block.timestamp > deadline) revert ReserveRegistrySignatureExpired(deadline, block.timestamp);
        if (_positions[wallet] != 0) {
            Registration[] storage history = _history[wallet];
            revert ReserveRegistryAlreadyRegistered(wallet, history[history.length - 1].member);
        }
        uint256 nonce = _nonces[wallet];
        bytes32 digest = _ownershipDigest(msg.sender, wallet, deadline, nonce);
        if (!SignatureChecker.isValidSignatureNow(wallet, digest, signature)) {
            revert ReserveRegistryInvalidSignature(wallet);
        }
        _nonces[wallet] = nonce + 1;
        uint64 registeredAt = uint64(block.timestamp);
        _history[wallet].push(Registration({member: msg.sender, registeredAt: registeredAt, removedAt: 0}));
        _reserves[msg.sender].push(wallet);
        _positions[wallet] = _reserves[msg.sender].length;
        emit ReserveRegistered(msg.sender, wallet, nonce, registeredAt);
    }

    /// @inheritdoc IReserveRegistry
    function removeReserve(address wallet) external {
        uint256 position = _positions[wallet];
        if (position == 0) revert ReserveRegistryNotRegistered(wallet);
        Registration[] storage history = _history[wallet];
        Registration storage current = history[history.length - 1];
        address member = current.member;
        if (msg.sender != member && !_isGovernance(msg.sender)) {
            if (!_REGISTRY.statusOf(member).hasLeft()) revert ReserveRegistryNotAllowed(msg.sender, wallet);
        }
        uint64 removedAt = uint64(block.timestamp);
        current.removedAt = removedAt;
        address[] storage list = _reserves[member];
        uint256 last = list.length;
        if (position != last) {
            address moved = list[last - 1];
            list[position - 1] = moved;
            _positions[moved] = position;
        }
        list.pop();
        delete _positions[wallet];
        emit ReserveRemoved(member, wallet, msg.sender, removedAt);
    }

    /// @inheritdoc IReserveRegistry
    function ownerOf(address wallet) external view returns (address member, uint64 registeredAt) {
        if (_positions[wallet] == 0) return (address(0), 0);
        Registration[] storage history = _history[wallet];
        Registration storage current = history[history.length - 1];
        return (current.member, current.registeredAt);
    }

    /// @inheritdoc IReserveRegistry
    function ownerAt(address wallet, uint64 t) external view returns (address member) {
        Registration[] storage history = _history[wallet];
        // Intervals are disjoint and ordered; walk back from the newest (recent snapshots are the common case).
        for (uint256 i = history.length; i > 0; --i) {
            Registration storage r = history[i - 1];
            if (r.registeredAt < t) {
                if (r.removedAt == 0 || t < r.removedAt) return r.member;
                return address(0);
            }
        }
        return address(0);
    }

    /// @inheritdoc IReserveRegistry
    function reservesOf(address member) external view returns (address[] memory) {
        return _reserves[member];
    }

    /// @inheritdoc IReserveRegistry
    function registrationsOf(address wallet) external view returns (Registration[] memory) {
        return _history[wallet];
    }

    /// @inheritdoc IReserveRegistry
    function nonceOf(address wallet) external view returns (uint256) {
        return _nonces[wallet];
    }

    /// @inheritdoc IReserveRegistry
    function ownershipDigest(
        address member,
        address wallet,
        uint64 deadline,
        uint256 nonce
    ) external view returns (bytes32) {
        return _ownershipDigest(member, wallet, deadline, nonce);
    }

    /// @inheritdoc IReserveRegistry
    function registry() external view returns (address) {
        return address(_REGISTRY);
    }

    function _ownershipDigest(
        address member,
        address wallet,
        uint64 deadline,
        uint256 nonce
    ) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(RESERVE_OWNERSHIP_TYPEHASH, member, wallet, deadline, nonce)));
    }

    function _isGovernance(address account) private view returns (bool) {
        return IAccessControl(address(_REGISTRY)).hasRole(bytes32(0), account);
    }
}
