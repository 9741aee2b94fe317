// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
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
        MemberReputation memory rep = reputationOf(member);
        if (rep.dutiesTotal == 0) return 0;
        uint256 twc = _timeWeighted(_STAKE.stakeHistoryOf(member));
        uint256 score = Math.mulDiv(twc, rep.dutiesMet, rep.dutiesTotal);
        if (rep.slashCount == 0) return score;
        uint256 factor = _pow(((Constants.BPS - _slashPenaltyBps) * _ONE) / Constants.BPS, rep.slashCount);
        return Math.mulDiv(score, factor, _ONE);
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
