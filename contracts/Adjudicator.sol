// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IAdjudicator} from "./interfaces/IAdjudicator.sol";
import {ICommitmentLedger} from "./interfaces/ICommitmentLedger.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {ICollateralVault} from "./interfaces/ICollateralVault.sol";
import {IReputation} from "./interfaces/IReputation.sol";
import {ILeafMismatchVerifier} from "./interfaces/ILeafMismatchVerifier.sol";
import {LeafMismatchProof} from "./libraries/LeafMismatchProof.sol";
import {CommitmentSets} from "./libraries/CommitmentSets.sol";
import {RestitutionClaims} from "./RestitutionClaims.sol";

/// @title Adjudicator
/// @notice Slashes proven misbehaviour: fraud proofs, missed deadlines and quorum verdicts of insolvency; keeps the
/// restitution claims fraud proofs book and pays each from the accused member's restitution pool in the vault.
/// @dev Needs ADJUDICATOR_ROLE on the registry (eject), must be the vault's adjudicator (slash, countSlash,
/// releaseRestitution) and the ledger's adjudicator. The vault counts each slash for `Reputation` (whose address is
/// kept in `wiring` only for discovery). Every external entry point is non-reentrant; the only untrusted calls (the
/// vault paying the bounty or a claim) come after all bookkeeping.
contract Adjudicator is IAdjudicator, AccessControl, RestitutionClaims {
    using LeafMismatchProof for ILeafMismatchVerifier;

    uint16 private constant _MAX_BPS = 10_000;

    ICommitmentLedger private immutable _LEDGER;
    IConsortiumRegistry private immutable _REGISTRY;
    ICollateralVault private immutable _VAULT;
    IReputation private immutable _REPUTATION;
    ILeafMismatchVerifier private immutable _VERIFIER;

    SlashParams private _slashParams;

    /// @notice The contracts the adjudicator works with.
    struct Wiring {
        ICommitmentLedger ledger;
        IConsortiumRegistry registry;
        ICollateralVault vault;
        IReputation reputation;
        ILeafMismatchVerifier verifier;
    }

    /// @param admin The governance admin (DEFAULT_ADMIN_ROLE).
    /// @param wiring_ The contracts (all non-zero).
    /// @param params The initial slash shares.
    constructor(address admin, Wiring memory wiring_, SlashParams memory params) {
        if (
            admin == address(0) ||
            address(wiring_.ledger) == address(0) ||
            address(wiring_.registry) == address(0) ||
            address(wiring_.vault) == address(0) ||
            address(wiring_.reputation) == address(0) ||
            address(wiring_.verifier) == address(0)
        ) revert AdjudicatorZeroAddress();
        _LEDGER = wiring_.ledger;
        _REGISTRY = wiring_.registry;
        _VAULT = wiring_.vault;
        _REPUTATION = wiring_.reputation;
        _VERIFIER = wiring_.verifier;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setSlashParams(params);
    }

    /// @inheritdoc IAdjudicator
    function proveFraud(
        FraudProof calldata proof,
        ICommitmentLedger.AssetCommitment[] calldata set
    ) external nonReentrant {
        address member = proof.member;
        address recipient = proof.recipient;
        if (recipient == address(0)) revert AdjudicatorZeroRecipient();
        if (!_REGISTRY.isKeyValidAt(member, proof.keyHash, proof.t)) {
            revert AdjudicatorKeyNotValid(member, proof.keyHash, proof.t);
        }
        uint256 committed = _rootIn(set, member, proof.asset, proof.t);
        if (committed != proof.rootHash) revert AdjudicatorRootMismatch(committed, proof.rootHash);
        // The nullifier is spent by booking its claim (one slot); any later revert undoes the booking.
        if (!_bookClaim(proof.nullifier, member, proof.asset, proof.claim, recipient)) {
            revert AdjudicatorNullifierSpent(proof.nullifier);
        }
        if (!_VERIFIER.verify(proof)) revert AdjudicatorInvalidProof();

        // The ledger checks `set` against the committed digest and marks the set; a different set reverts the whole
        // transaction, so nothing stays marked or booked.
        _LEDGER.markFraudulent(member, proof.t, CommitmentSets.hashOf(set));
        uint256 slashed = _slash(member, _slashParams.fraudBps, msg.sender);
        emit FraudProven(member, proof.nullifier, proof.asset, proof.t, proof.claim, recipient, msg.sender, slashed);
    }

    /// @inheritdoc IAdjudicator
    function reportMissedDeadline(uint256 requestId) external nonReentrant {
        (address member, ) = _LEDGER.markRequestMissed(requestId);
        uint256 slashed = _slash(member, _slashParams.missedDeadlineBps, msg.sender);
        emit MissedDeadlineSlashed(member, requestId, msg.sender, slashed);
    }

    /// @inheritdoc IAdjudicator
    function slashInsolvency(address member, uint64 t, bytes32 subject, address submitter) external nonReentrant {
        if (msg.sender != address(_LEDGER)) revert AdjudicatorNotLedger(msg.sender);
        uint256 slashed = _slash(member, _slashParams.insolvencyBps, submitter);
        emit InsolvencySlashed(member, t, subject, submitter, slashed);
    }

    /// @inheritdoc IAdjudicator
    function setSlashParams(SlashParams calldata params) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setSlashParams(params);
    }

    /// @inheritdoc IAdjudicator
    function slashParams() external view returns (SlashParams memory) {
        return _slashParams;
    }

    /// @notice The contracts this adjudicator is wired to.
    function wiring() external view returns (Wiring memory) {
        return Wiring(_LEDGER, _REGISTRY, _VAULT, _REPUTATION, _VERIFIER);
    }

    /// @dev The root hash `set` holds for `asset` (asset ids ascend, so a linear scan stops early).
    function _rootIn(
        ICommitmentLedger.AssetCommitment[] calldata set,
        address member,
        uint32 asset,
        uint64 t
    ) private pure returns (uint256) {
        uint256 count = set.length;
        for (uint256 i = 0; i < count; ++i) {
            uint32 id = set[i].asset;
            if (id == asset) return set[i].rootHash;
            if (id > asset) break;
        }
        revert AdjudicatorUnknownCommitment(member, asset, t);
    }

    /// @inheritdoc IAdjudicator
    function ejectUndercollateralized(address member) external nonReentrant {
        (bool ejectable, uint256 minimum) = _REGISTRY.ejectionTermsOf(member);
        // Only a slash makes a member ejectable here: a governance change (a higher minimum, a lower token weight)
        // must not let anyone eject members that did nothing wrong.
        if (!ejectable || _VAULT.stakeHistoryOf(member).slashCount == 0) revert AdjudicatorNotEjectable(member);
        uint256 stake = _VAULT.stakeOf(member);
        if (stake >= minimum) revert AdjudicatorCollateralSufficient(member, stake, minimum);
        _REGISTRY.eject(member);
        emit MemberEjectedUndercollateralized(member, stake, minimum, msg.sender);
    }

    /// @dev Slashes `bps` (at 0, which the vault refuses, only counts the slash). The vault counts the slash and
    /// integrates the new stake for reputation. Ejecting a member the slash left below its minimum is a separate
    /// call (`ejectUndercollateralized`), off the fraud proof's path.
    function _slash(address member, uint16 bps, address bountyRecipient) private returns (uint256 slashed) {
        if (bps != 0) slashed = _VAULT.slash(member, bps, bountyRecipient);
        else _VAULT.countSlash(member);
    }

    function _claimToken(uint32 asset) internal view override returns (address) {
        return _REGISTRY.assetToken(asset);
    }

    function _poolHolding(address member, address token) internal view override returns (uint256) {
        return _VAULT.restitutionOf(member, token);
    }

    function _releaseFromPool(address member, address token, address to, uint256 amount) internal override {
        _VAULT.releaseRestitution(member, token, to, amount);
    }

    function _setSlashParams(SlashParams memory params) private {
        if (params.fraudBps > _MAX_BPS) revert AdjudicatorBadBps(params.fraudBps);
        if (params.missedDeadlineBps > _MAX_BPS) revert AdjudicatorBadBps(params.missedDeadlineBps);
        if (params.insolvencyBps > _MAX_BPS) revert AdjudicatorBadBps(params.insolvencyBps);
        _slashParams = params;
        emit SlashParamsSet(params.fraudBps, params.missedDeadlineBps, params.insolvencyBps);
    }
}
