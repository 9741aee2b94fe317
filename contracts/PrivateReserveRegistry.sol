// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {IPrivateReserveRegistry} from "./interfaces/IPrivateReserveRegistry.sol";
import {MemberStatuses} from "./libraries/MemberStatuses.sol";

/// @title PrivateReserveRegistry
/// @notice Registry of private-mode members' reserve wallets as salted commitments, with their lifecycle.
/// @dev Governance is whoever holds DEFAULT_ADMIN_ROLE on the consortium registry.
contract PrivateReserveRegistry is IPrivateReserveRegistry, EIP712 {
    using MemberStatuses for IConsortiumRegistry.MemberStatus;

    /// @notice Domain separator of the commitments.
    bytes32 public constant COMMITMENT_DOMAIN = keccak256("por.private.reserve.v1");
    /// @notice EIP-712 type hash of the wallet's consent.
    bytes32 public constant PRIVATE_RESERVE_TYPEHASH = keccak256("PrivateReserve(address member,bytes32 commitment)");

    /// @dev One storage word: member (160 bits), registeredAt and removedAt (48 bits each, seconds).
    struct Stored {
        address member;
        uint48 registeredAt;
        uint48 removedAt;
    }

    IConsortiumRegistry private immutable _REGISTRY;

    mapping(bytes32 commitment => Stored record) private _records;
    mapping(address member => bytes32[] commitments) private _commitments;

    /// @param registry_ The consortium registry.
    constructor(address registry_) EIP712("PoR PrivateReserveRegistry", "1") {
        if (registry_ == address(0)) revert PrivateReserveRegistryZero();
        _REGISTRY = IConsortiumRegistry(registry_);
    }

    /// @inheritdoc IPrivateReserveRegistry
    function registerCommitment(bytes32 commitment) external {
        if (commitment == bytes32(0)) revert PrivateReserveRegistryZero();
        if (!_REGISTRY.statusOf(msg.sender).isEnrolled()) revert PrivateReserveRegistryNotMember(msg.sender);
        address holder = _records[commitment].member;
        if (holder != address(0)) revert PrivateReserveRegistryAlreadyRegistered(commitment, holder);
        uint48 registeredAt = uint48(block.timestamp);
        _records[commitment] = Stored({member: msg.sender, registeredAt: registeredAt, removedAt: 0});
        _commitments[msg.sender].push(commitment);
        emit CommitmentRegistered(msg.sender, commitment, registeredAt);
    }

    /// @inheritdoc IPrivateReserveRegistry
    function removeCommitment(bytes32 commitment) external {
        Stored storage r = _records[commitment];
        address member = r.member;
        if (member == address(0) || r.removedAt != 0) revert PrivateReserveRegistryNotRegistered(commitment);
        if (msg.sender != member && !_isGovernance(msg.sender)) {
            if (!_REGISTRY.statusOf(member).hasLeft()) revert PrivateReserveRegistryNotAllowed(msg.sender, commitment);
        }
        uint48 removedAt = uint48(block.timestamp);
        r.removedAt = removedAt;
        emit CommitmentRemoved(member, commitment, msg.sender, removedAt);
    }

    /// @inheritdoc IPrivateReserveRegistry
    function commitmentRecord(bytes32 commitment) external view returns (CommitmentRecord memory) {
        Stored storage r = _records[commitment];
        return CommitmentRecord({member: r.member, registeredAt: r.registeredAt, removedAt: r.removedAt});
    }

    /// @inheritdoc IPrivateReserveRegistry
    function memberAt(bytes32 commitment, uint64 t) external view returns (address member) {
        Stored storage r = _records[commitment];
        if (r.member == address(0) || r.registeredAt >= t) return address(0);
        if (r.removedAt != 0 && t >= r.removedAt) return address(0);
        return r.member;
    }

    /// @inheritdoc IPrivateReserveRegistry
    function commitmentsOf(address member) external view returns (bytes32[] memory) {
        return _commitments[member];
    }

    /// @inheritdoc IPrivateReserveRegistry
    function commitmentCount(address member) external view returns (uint256) {
        return _commitments[member].length;
    }

    /// @inheritdoc IPrivateReserveRegistry
    function commitmentOf(address member, address wallet, bytes32 salt) external view returns (bytes32) {
        return keccak256(abi.encode(COMMITMENT_DOMAIN, block.chainid, address(this), member, wallet, salt));
    }

    /// @inheritdoc IPrivateReserveRegistry
    function consentDigest(address member, bytes32 commitment) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(PRIVATE_RESERVE_TYPEHASH, member, commitment)));
    }

    /// @inheritdoc IPrivateReserveRegistry
    function registry() external view returns (address) {
        return address(_REGISTRY);
    }

    function _isGovernance(address account) private view returns (bool) {
        return IAccessControl(address(_REGISTRY)).hasRole(bytes32(0), account);
    }
}
