// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IAttestations} from "./interfaces/IAttestations.sol";
import {ITransfers} from "./interfaces/ITransfers.sol";
import {IReputation} from "./interfaces/IReputation.sol";
import {IStakeSource} from "./interfaces/IStakeSource.sol";
import {ICommitmentLedger} from "./interfaces/ICommitmentLedger.sol";
import {Constants} from "./libraries/Constants.sol";

/// @title Reputation
/// @notice Per-member reputation score (A9 v1), see `IReputation`: a view over the ledger's counters and the stake
/// source's stake history.
contract Reputation is IReputation, AccessControl {
    uint256 private constant _ONE = 1e18;

    IStakeSource private immutable _STAKE;
    ICommitmentLedger private immutable _LEDGER;
    uint16 private _slashPenaltyBps;
    Weights private _weights;
    IAttestations private _attestations;
    ITransfers private _transfers;
    /// @dev Per caller (the attestations contract is the one the score reads), per member: the worst findings penalty.
    mapping(address attestations => mapping(address member => FindingsPenalty penalty)) private _findings;

    /// @param admin The governance admin (DEFAULT_ADMIN_ROLE).
    /// @param stakeSource_ The stake source (stake history).
    /// @param ledger_ The commitment ledger (duty and slash counters).
    /// @param slashPenaltyBps_ The initial penalty per slash.
    constructor(address admin, IStakeSource stakeSource_, ICommitmentLedger ledger_, uint16 slashPenaltyBps_) {
        if (admin == address(0) || address(stakeSource_) == address(0) || address(ledger_) == address(0)) {
            revert ReputationZeroAddress();
        }
        if (slashPenaltyBps_ > Constants.BPS) revert ReputationBadBps(slashPenaltyBps_);
        _STAKE = stakeSource_;
        _LEDGER = ledger_;
        _slashPenaltyBps = slashPenaltyBps_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setWeights(
            Weights({
                snapshots: 1,
                interims: 1,
                reserveAttestations: 1,
                samples: 1,
                criticalBps: 2_500,
                highBps: 1_000,
                mediumBps: 250,
                lowBps: 50,
                scoreWeightBps: 5_000,
                findingsDecay: 360 days,
                transfers: 1
            })
        );
    }

    /// @inheritdoc IReputation
    function setWeights(Weights calldata weights_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setWeights(weights_);
    }

    /// @inheritdoc IReputation
    function setAttestations(address attestations_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (attestations_ == address(0)) revert ReputationZeroAddress();
        if (address(_attestations) != address(0)) revert ReputationAttestationsAlreadySet();
        address itsReputation = IAttestations(attestations_).reputation();
        if (itsReputation != address(this)) revert ReputationAttestationsMismatch(attestations_, itsReputation);
        _attestations = IAttestations(attestations_);
        emit AttestationsSet(attestations_);
    }

    /// @inheritdoc IReputation
    function setTransfers(address transfers_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (transfers_ == address(0)) revert ReputationZeroAddress();
        if (address(_transfers) != address(0)) revert ReputationTransfersAlreadySet();
        _transfers = ITransfers(transfers_);
        emit TransfersSet(transfers_);
    }

    /// @inheritdoc IReputation
    function setSlashPenalty(uint16 slashPenaltyBps_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (slashPenaltyBps_ > Constants.BPS) revert ReputationBadBps(slashPenaltyBps_);
        _slashPenaltyBps = slashPenaltyBps_;
        emit SlashPenaltySet(slashPenaltyBps_);
    }

    /// @inheritdoc IReputation
    function reputationOf(address member) public view returns (MemberReputation memory) {
        ICommitmentLedger.MemberRecord memory record = _LEDGER.memberRecordOf(member);
        IStakeSource.StakeHistory memory history = _STAKE.stakeHistoryOf(member);
        return
            MemberReputation({
                dutiesMet: record.dutiesMet,
                dutiesTotal: record.dutiesTotal,
                slashCount: history.slashCount,
                since: history.since,
                lastUpdate: history.lastUpdate,
                lastStake: history.weight,
                stakeSeconds: history.weightSeconds
            });
    }

    /// @inheritdoc IReputation
    function timeWeightedCollateral(address member) public view returns (uint256) {
        return _timeWeighted(_STAKE.stakeHistoryOf(member));
    }

    /// @inheritdoc IReputation
    function scoreOf(address member) external view returns (uint256) {
        return partsOf(member).score;
    }

    /// @inheritdoc IReputation
    function partsOf(address member) public view returns (Parts memory parts) {
        ICommitmentLedger.MemberRecord memory record = _LEDGER.memberRecordOf(member);
        IStakeSource.StakeHistory memory history = _STAKE.stakeHistoryOf(member);
        Weights memory w = _weights;
        parts.twc = _timeWeighted(history);
        parts.weightedMet = uint256(record.dutiesMet) * w.snapshots;
        parts.weightedTotal = uint256(record.dutiesTotal) * w.snapshots;
        IAttestations attestations_ = _attestations;
        if (address(attestations_) != address(0)) {
            IAttestations.Duties memory d = attestations_.dutiesOf(member);
            parts.weightedMet +=
                uint256(d.interimsSettled) * w.interims +
                uint256(d.raOnTime) * w.reserveAttestations +
                uint256(d.samplesOpened) * w.samples;
            parts.weightedTotal +=
                (uint256(d.interimsSettled) + d.interimsMissed) * w.interims +
                (uint256(d.raOnTime) + d.raOverdue) * w.reserveAttestations +
                (uint256(d.samplesOpened) + d.samplesMissed) * w.samples;
            parts.findingsPenaltyBps = _decayed(_findings[address(attestations_)][member]);
        }
        ITransfers transfers_ = _transfers;
        if (address(transfers_) != address(0)) {
            ITransfers.Duties memory t = transfers_.dutiesOf(member);
            parts.weightedMet += uint256(t.settled) * w.transfers;
            parts.weightedTotal += (uint256(t.settled) + t.defaulted) * w.transfers;
        }
        parts.slashFactor = _pow(((Constants.BPS - _slashPenaltyBps) * _ONE) / Constants.BPS, history.slashCount);
        if (parts.weightedTotal == 0) return parts;
        uint256 score = Math.mulDiv(parts.twc, parts.weightedMet, parts.weightedTotal);
        score = Math.mulDiv(score, Constants.BPS - parts.findingsPenaltyBps, Constants.BPS);
        parts.score = Math.mulDiv(score, parts.slashFactor, _ONE);
    }

    /// @inheritdoc IReputation
    function recordFindings(address member, IAttestations.Findings calldata f) external {
        Weights memory w = _weights;
        FindingsPenalty storage stored = _findings[msg.sender][member];
        uint256 penalty =
            uint256(f.critical) * w.criticalBps +
                uint256(f.high) * w.highBps +
                uint256(f.medium) * w.mediumBps +
                uint256(f.low) * w.lowBps +
                ((Constants.BPS - f.score) * w.scoreWeightBps) / Constants.BPS;
        if (penalty > Constants.BPS) penalty = Constants.BPS;
        // The member's first RA writes the slot even with no penalty (a later raise then rewrites a non-zero slot).
        bool raised = penalty > _decayed(stored);
        if (!raised && stored.at != 0) return;
        stored.bps = uint16(penalty);
        stored.at = uint64(block.timestamp);
        stored.decay = w.findingsDecay;
        if (raised) emit FindingsPenaltyRaised(msg.sender, member, uint16(penalty));
    }

    /// @inheritdoc IReputation
    function clearFindings(address attestations_, address member) external onlyRole(DEFAULT_ADMIN_ROLE) {
        FindingsPenalty storage stored = _findings[attestations_][member];
        uint256 previous = _decayed(stored);
        stored.bps = 0;
        stored.at = uint64(block.timestamp);
        emit FindingsPenaltyCleared(attestations_, member, previous);
    }

    /// @inheritdoc IReputation
    function findingsPenaltyOf(
        address attestations_,
        address member
    ) external view returns (FindingsPenalty memory stored, uint256 nowBps) {
        stored = _findings[attestations_][member];
        nowBps = _decayed(stored);
    }

    /// @inheritdoc IReputation
    function weights() external view returns (Weights memory) {
        return _weights;
    }

    /// @inheritdoc IReputation
    function attestations() external view returns (address) {
        return address(_attestations);
    }

    /// @inheritdoc IReputation
    function transfers() external view returns (address) {
        return address(_transfers);
    }

    /// @inheritdoc IReputation
    function slashPenaltyBps() external view returns (uint16) {
        return _slashPenaltyBps;
    }

    /// @inheritdoc IReputation
    function ledger() external view returns (address) {
        return address(_LEDGER);
    }

    /// @inheritdoc IReputation
    function stakeSource() external view returns (address) {
        return address(_STAKE);
    }

    /// @dev (weight x seconds up to now) / (seconds since the first change); the cached weight at the first instant.
    function _timeWeighted(IStakeSource.StakeHistory memory history) private view returns (uint256) {
        if (history.since == 0) return 0;
        uint256 elapsed = block.timestamp - history.since;
        if (elapsed == 0) return history.weight;
        uint256 total = history.weightSeconds + history.weight * (block.timestamp - history.lastUpdate);
        return total / elapsed;
    }

    /// @dev What is left now of a stored penalty, at 10000 basis points per its own `decay` seconds.
    function _decayed(FindingsPenalty memory p) private view returns (uint256) {
        if (p.bps == 0) return 0;
        uint256 drop = ((block.timestamp - p.at) * Constants.BPS) / p.decay;
        return drop >= p.bps ? 0 : p.bps - drop;
    }

    function _setWeights(Weights memory w) private {
        if (
            uint256(w.snapshots) + w.interims + w.reserveAttestations + w.samples + w.transfers == 0 ||
            w.criticalBps > Constants.BPS ||
            w.highBps > Constants.BPS ||
            w.mediumBps > Constants.BPS ||
            w.lowBps > Constants.BPS ||
            w.scoreWeightBps > Constants.BPS ||
            w.findingsDecay == 0
        ) revert ReputationBadWeights();
        _weights = w;
        emit WeightsSet(w);
    }

    /// @dev `base ^ exponent` in 1e18 fixed point, by squaring (O(log exponent)).
    function _pow(uint256 base, uint256 exponent) private pure returns (uint256 result) {
        result = _ONE;
        while (exponent != 0) {
            if (exponent & 1 == 1) result = (result * base) / _ONE;
            base = (base * base) / _ONE;
            exponent >>= 1;
        }
    }
}
