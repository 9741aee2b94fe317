// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IAdjudicator} from "./interfaces/IAdjudicator.sol";
import {ICommitmentLedger} from "./interfaces/ICommitmentLedger.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {IStakeSource} from "./interfaces/IStakeSource.sol";
import {IReputation} from "./interfaces/IReputation.sol";
import {ILeafMismatchVerifier} from "./interfaces/ILeafMismatchVerifier.sol";
import {IRootSumMismatchVerifier} from "./interfaces/IRootSumMismatchVerifier.sol";
import {LeafMismatchProof} from "./libraries/LeafMismatchProof.sol";
import {CommitmentSets} from "./libraries/CommitmentSets.sol";
import {Constants} from "./libraries/Constants.sol";
import {RestitutionClaims} from "./RestitutionClaims.sol";

/// @title Adjudicator
/// @notice Slashes proven misbehaviour: fraud proofs, missed deadlines and quorum verdicts of insolvency; keeps the
/// restitution claims fraud proofs book and pays them in claim rounds from the accused member's restitution pool.
/// @dev Needs ADJUDICATOR_ROLE on the registry (eject), must be the stake source's adjudicator (slash, countSlash,
/// releaseRestitution) and the ledger's adjudicator. The stake source counts each slash for `Reputation` (whose
/// address is kept in `wiring` only for discovery). Every external entry point is non-reentrant; the only untrusted
/// calls (the stake source paying the bounty, this contract paying a claim or the insurance fund) come after all
/// bookkeeping. It holds settled rounds' reserves and the insurance side (`claimTotalsOf`) and accepts ETH only from
/// the stake source and ledger.
contract Adjudicator is IAdjudicator, AccessControl, RestitutionClaims {
    using LeafMismatchProof for ILeafMismatchVerifier;

    /// @notice The root hash of the empty tree of depth 32 (`E_32.h`, docs/protocol.md section 4): the root a set
    /// without an entry for a listed asset counts for it.
    uint256 public constant EMPTY_ROOT = 12424080202056809512849087240501880350012649220554119029875562407121428535247;
    /// @notice The registry role whose holders (auditors) may veto claims.
    bytes32 public constant AUDITOR_ROLE = keccak256("AUDITOR_ROLE");

    ICommitmentLedger private immutable _LEDGER;
    IConsortiumRegistry private immutable _REGISTRY;
    IStakeSource private immutable _STAKE;
    IReputation private immutable _REPUTATION;
    ILeafMismatchVerifier private immutable _VERIFIER;
    IRootSumMismatchVerifier private immutable _ROOT_SUM_VERIFIER;

    SlashParams private _slashParams;
    /// @dev The attestations contract (missed interim attestations), wired once by governance.
    address private _attestations;
    /// @dev The transfers contract (defaulted notices), wired once by governance.
    address private _transfers;
    mapping(address member => mapping(uint32 asset => mapping(uint64 t => bool proven))) private _rootSumProven;

    /// @notice The contracts the adjudicator works with.
    struct Wiring {
        ICommitmentLedger ledger;
        IConsortiumRegistry registry;
        IStakeSource stakeSource;
        IReputation reputation;
        ILeafMismatchVerifier verifier;
        IRootSumMismatchVerifier rootSumVerifier;
    }

    /// @param admin The governance admin (DEFAULT_ADMIN_ROLE).
    /// @param wiring_ The contracts (all non-zero).
    /// @param params The initial slash shares.
    /// @param claims The initial claim parameters.
    constructor(address admin, Wiring memory wiring_, SlashParams memory params, ClaimParams memory claims) {
        if (
            admin == address(0) ||
            address(wiring_.ledger) == address(0) ||
            address(wiring_.registry) == address(0) ||
            address(wiring_.stakeSource) == address(0) ||
            address(wiring_.reputation) == address(0) ||
            address(wiring_.verifier) == address(0) ||
            address(wiring_.rootSumVerifier) == address(0)
        ) revert AdjudicatorZeroAddress();
        _LEDGER = wiring_.ledger;
        _REGISTRY = wiring_.registry;
        _STAKE = wiring_.stakeSource;
        _REPUTATION = wiring_.reputation;
        _VERIFIER = wiring_.verifier;
        _ROOT_SUM_VERIFIER = wiring_.rootSumVerifier;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setSlashParams(params);
        _setClaimParams(claims);
    }

    /// @dev Settled rounds and the insurance side arrive from the stake source, kept request fees from the ledger.
    receive() external payable {
        if (msg.sender != address(_STAKE) && msg.sender != address(_LEDGER))
            revert RestitutionUnexpectedEth(msg.sender);
    }

    /// @inheritdoc IAdjudicator
    function proveFraud(
        FraudProof calldata proof,
        ICommitmentLedger.AssetCommitment[] calldata set
    ) external nonReentrant {
        address member = proof.member;
        if (!_REGISTRY.isKeyValidAt(member, proof.keyHash, proof.t)) {
            revert AdjudicatorKeyNotValid(member, proof.keyHash, proof.t);
        }
        uint256 committed = _rootIn(set, proof.asset);
        if (committed != proof.rootHash) revert AdjudicatorRootMismatch(committed, proof.rootHash);
        // The nullifier is spent by booking its claim (one slot); any later revert undoes the booking.
        uint32 round = _book(proof);
        if (!_VERIFIER.verify(proof)) revert AdjudicatorInvalidProof();

        // The ledger checks `set` against the committed digest and marks the set; a different set reverts the whole
        // transaction, so nothing stays marked or booked.
        _LEDGER.markFraudulent(member, proof.t, CommitmentSets.hashOf(set));
        uint256 slashed = _slash(member, _slashParams.fraudBps, msg.sender);
        _emitFraudProven(proof, round, slashed);
    }

    /// @inheritdoc IAdjudicator
    function proveRootSumMismatch(
        address member,
        uint64 t,
        uint32 asset,
        ICommitmentLedger.AssetCommitment[] calldata set,
        Groth16Proof calldata proof
    ) external nonReentrant {
        (bool found, uint256 index) = _find(set, asset);
        if (!found) revert AdjudicatorUnknownCommitment(member, asset, t);
        // A private set commits no root sum (its entries carry zero): nothing to contradict.
        if (_LEDGER.setOf(member, t).isPrivate) revert AdjudicatorPrivateSet(member, t);
        if (_rootSumProven[member][asset][t]) revert AdjudicatorRootSumAlreadyProven(member, asset, t);
        _rootSumProven[member][asset][t] = true;
        uint256 rootHash = set[index].rootHash;
        uint128 rootSum = set[index].rootSum;
        if (!_ROOT_SUM_VERIFIER.verifyProof(proof.a, proof.b, proof.c, [rootHash, uint256(rootSum)])) {
            revert AdjudicatorInvalidProof();
        }
        _LEDGER.markFraudulent(member, t, CommitmentSets.hashOf(set));
        uint256 slashed = _slash(member, _slashParams.fraudBps, msg.sender);
        emit RootSumMismatchProven(member, asset, t, rootHash, rootSum, msg.sender, slashed);
    }

    /// @inheritdoc IAdjudicator
    function reportMissedDeadline(uint256 requestId) external nonReentrant {
        (address member, address requester, uint256 fee) = _LEDGER.markRequestMissed(requestId);
        // The ledger sent the fee here: it is kept, on the insurance side.
        if (fee != 0) _creditInsurance(address(0), fee);
        // A requester reporting its own request earns nothing: the whole slash stays in the member's pool.
        address bountyRecipient = msg.sender == requester ? address(0) : msg.sender;
        uint256 slashed = _slash(member, _slashParams.missedDeadlineBps, bountyRecipient);
        emit MissedDeadlineSlashed(member, requestId, msg.sender, slashed);
    }

    /// @inheritdoc IAdjudicator
    function slashInsolvency(address member, uint64 t, bytes32 subject, address submitter) external nonReentrant {
        if (msg.sender != address(_LEDGER)) revert AdjudicatorNotLedger(msg.sender);
        uint256 slashed = _slash(member, _slashParams.insolvencyBps, submitter);
        emit InsolvencySlashed(member, t, subject, submitter, slashed);
    }

    /// @inheritdoc IAdjudicator
    function slashMissedInterim(
        address member,
        bytes32 interimId,
        uint16 bps,
        address submitter
    ) external nonReentrant returns (uint256 weightSlashed) {
        if (msg.sender != _attestations || msg.sender == address(0)) revert AdjudicatorNotAttestations(msg.sender);
        if (bps > Constants.BPS) revert AdjudicatorBadBps(bps);
        weightSlashed = _slash(member, bps, submitter);
        emit MissedInterimSlashed(member, interimId, submitter, weightSlashed);
    }

    /// @inheritdoc IAdjudicator
    function slashTransferDefault(
        address sender,
        bytes32 noticeId,
        uint256 weightOwed,
        address recipient
    ) external nonReentrant returns (uint256 weightSlashed) {
        if (msg.sender != _transfers || msg.sender == address(0)) revert AdjudicatorNotTransfers(msg.sender);
        if (recipient == address(0)) revert AdjudicatorZeroAddress();
        // No bounty: the reporter could be the sender itself, and a reporter's share would come out of the
        // recipient's due.
        // The share is of what a slash takes from: on the native vault the balances AND the withdrawals pending
        // (stakeOf leaves those out: a sender that asked to withdraw everything after posting would owe a share of
        // nothing, and one that withdrew most would be slashed a share of the rest taken from all of it).
        uint256 stake = _STAKE.slashableWeightOf(sender);
        // The smallest share that takes at least what is owed (each token's cut rounds down: one more basis point
        // covers it), all of the stake when it is less.
        uint256 bps = stake == 0 ? 0 : (weightOwed * Constants.BPS + stake - 1) / stake + 1;
        if (bps > Constants.BPS) bps = Constants.BPS;
        weightSlashed = _slash(sender, uint16(bps), address(0));
        emit TransferDefaultSlashed(sender, noticeId, recipient, weightOwed, weightSlashed);
    }

    /// @inheritdoc IAdjudicator
    function releaseTransferPayout(
        address sender,
        address to,
        uint256 weight
    ) external nonReentrant returns (uint256 weightPaid) {
        if (msg.sender != _transfers || msg.sender == address(0)) revert AdjudicatorNotTransfers(msg.sender);
        (address[] memory tokens, uint256[] memory weights) = _STAKE.poolTokens();
        uint256[] memory held = new uint256[](tokens.length);
        uint256 poolWeight;
        for (uint256 i = 0; i < tokens.length; ++i) {
            // Each pool token once, at its first weighted entry (a stake source may list a token under several
            // strategies, a retired one at weight zero).
            if (weights[i] == 0 || _listedBefore(tokens, weights, i)) continue;
            _claimsFirst(sender, tokens[i]);
            held[i] = _STAKE.restitutionOf(sender, tokens[i]);
            poolWeight += (held[i] * weights[i]) / 1e18;
        }
        if (poolWeight == 0) return 0;
        uint256 take = weight < poolWeight ? weight : poolWeight;
        for (uint256 i = 0; i < tokens.length; ++i) {
            uint256 amount = (held[i] * take) / poolWeight;
            if (amount == 0) continue;
            _STAKE.releaseRestitution(sender, tokens[i], to, amount);
            weightPaid += (amount * weights[i]) / 1e18;
        }
    }

    /// @dev Whether `tokens[i]` has a weighted entry before index i.
    function _listedBefore(address[] memory tokens, uint256[] memory weights, uint256 i) private pure returns (bool) {
        for (uint256 j = 0; j < i; ++j) if (tokens[j] == tokens[i] && weights[j] != 0) return true;
        return false;
    }

    /// @inheritdoc IAdjudicator
    function setTransfers(address transfers_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (transfers_ == address(0)) revert AdjudicatorZeroAddress();
        if (_transfers != address(0)) revert AdjudicatorTransfersAlreadySet();
        _transfers = transfers_;
        emit TransfersSet(transfers_);
    }

    /// @inheritdoc IAdjudicator
    function transfers() external view returns (address) {
        return _transfers;
    }

    /// @inheritdoc IAdjudicator
    function setAttestations(address attestations_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (attestations_ == address(0)) revert AdjudicatorZeroAddress();
        if (_attestations != address(0)) revert AdjudicatorAttestationsAlreadySet();
        _attestations = attestations_;
        emit AttestationsSet(attestations_);
    }

    /// @inheritdoc IAdjudicator
    function attestations() external view returns (address) {
        return _attestations;
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
        return Wiring(_LEDGER, _REGISTRY, _STAKE, _REPUTATION, _VERIFIER, _ROOT_SUM_VERIFIER);
    }

    /// @dev The root `set` holds for `asset`; the empty tree's root when the set has no entry for it.
    function _rootIn(ICommitmentLedger.AssetCommitment[] calldata set, uint32 asset) private pure returns (uint256) {
        (bool found, uint256 index) = _find(set, asset);
        return found ? set[index].rootHash : EMPTY_ROOT;
    }

    /// @dev Books the proof's claim against its member into the current round of the asset's token (reverts
    /// ConsortiumRegistryUnknownAsset for an asset governance never listed, AdjudicatorNullifierSpent for a spent one).
    function _book(FraudProof calldata proof) private returns (uint32 round) {
        address token = _REGISTRY.assetToken(proof.asset);
        bool booked;
        (booked, round) = _bookClaim(proof.member, proof.nullifier, token, proof.asset, proof.claim, proof.payoutHash);
        if (!booked) revert AdjudicatorNullifierSpent(proof.member, proof.nullifier);
    }

    function _emitFraudProven(FraudProof calldata proof, uint32 round, uint256 slashed) private {
        emit FraudProven(
            proof.member,
            proof.nullifier,
            proof.asset,
            proof.t,
            proof.claim,
            proof.payoutHash,
            round,
            msg.sender,
            slashed
        );
    }

    /// @dev The index of `asset`'s entry in `set` (asset ids ascend, so a linear scan stops early).
    function _find(
        ICommitmentLedger.AssetCommitment[] calldata set,
        uint32 asset
    ) private pure returns (bool found, uint256 index) {
        uint256 count = set.length;
        for (uint256 i = 0; i < count; ++i) {
            uint32 id = set[i].asset;
            if (id == asset) return (true, i);
            if (id > asset) break;
        }
        return (false, 0);
    }

    /// @inheritdoc IAdjudicator
    function ejectUndercollateralized(address member) external nonReentrant {
        (bool ejectable, uint256 minimum) = _REGISTRY.ejectionTermsOf(member);
        // Only a slash makes a member ejectable here: a governance change (a higher minimum, a lower token weight)
        // must not let anyone eject members that did nothing wrong.
        if (!ejectable || _STAKE.stakeHistoryOf(member).slashCount == 0) revert AdjudicatorNotEjectable(member);
        uint256 stake = _STAKE.stakeOf(member);
        if (stake >= minimum) revert AdjudicatorCollateralSufficient(member, stake, minimum);
        _REGISTRY.eject(member);
        emit MemberEjectedUndercollateralized(member, stake, minimum, msg.sender);
    }

    /// @dev Slashes `bps` (at 0, which the stake source refuses, only counts the slash). The stake source counts the
    /// slash and integrates the new stake for reputation. Ejecting a member the slash left below its minimum is a
    /// separate call (`ejectUndercollateralized`), off the fraud proof's path.
    function _slash(address member, uint16 bps, address bountyRecipient) private returns (uint256 slashed) {
        if (bps != 0) slashed = _STAKE.slash(member, bps, bountyRecipient);
        else _STAKE.countSlash(member);
    }

    function _claimToken(uint32 asset) internal view override returns (address) {
        return _REGISTRY.assetToken(asset);
    }

    function _poolHolding(address member, address token) internal view override returns (uint256) {
        return _STAKE.restitutionOf(member, token);
    }

    function _takeFromPool(address member, address token, uint256 amount) internal override {
        _STAKE.releaseRestitution(member, token, address(this), amount);
    }

    /// @dev A round lasts at least the unbonding delay and the time the stake source may take to deliver a slash's
    /// funds to the pool (EigenLayer's clearing), so the round's own slashes are in the pool when it settles.
    function _unbondingDelay() internal view override returns (uint64) {
        uint64 unbonding = _REGISTRY.unbondingDelay();
        uint64 delivery = _STAKE.restitutionDelay();
        return delivery > unbonding ? delivery : unbonding;
    }

    /// @dev Whatever of `member`'s slashed funds has arrived goes into its pools before a round reads them.
    function _beforeSettle(address member, uint64 closesAt) internal override returns (uint256 pending) {
        return _STAKE.clearRestitution(member, closesAt);
    }

    function _isVetoer(address account) internal view override returns (bool) {
        return
            hasRole(DEFAULT_ADMIN_ROLE, account) || IAccessControl(address(_REGISTRY)).hasRole(AUDITOR_ROLE, account);
    }

    function _checkGovernance() internal view override {
        _checkRole(DEFAULT_ADMIN_ROLE);
    }

    function _setSlashParams(SlashParams memory params) private {
        if (params.fraudBps > Constants.BPS) revert AdjudicatorBadBps(params.fraudBps);
        if (params.missedDeadlineBps > Constants.BPS) revert AdjudicatorBadBps(params.missedDeadlineBps);
        if (params.insolvencyBps > Constants.BPS) revert AdjudicatorBadBps(params.insolvencyBps);
        _slashParams = params;
        emit SlashParamsSet(params.fraudBps, params.missedDeadlineBps, params.insolvencyBps);
    }
}
