// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IReputation} from "./interfaces/IReputation.sol";
import {ICollateralVault} from "./interfaces/ICollateralVault.sol";

/// @title Reputation
/// @notice Per-member reputation score (A9 v1), see `IReputation`.
contract Reputation is IReputation, AccessControl {
    /// @notice Role of the commitment ledger: reports duties met and missed.
    bytes32 public constant LEDGER_ROLE = keccak256("LEDGER_ROLE");
    /// @notice Role of the adjudicator: reports slashes.
    bytes32 public constant ADJUDICATOR_ROLE = keccak256("ADJUDICATOR_ROLE");

    uint256 private constant _BPS = 10_000;
    uint256 private constant _ONE = 1e18;

    ICollateralVault private immutable _VAULT;
    uint16 private _slashPenaltyBps;
    mapping(address member => MemberReputation reputation) private _reputation;

    /// @param admin The governance admin (DEFAULT_ADMIN_ROLE).
    /// @param vault The collateral vault whose `stakeOf` is sampled.
    /// @param slashPenaltyBps_ The initial penalty per slash.
    constructor(address admin, ICollateralVault vault, uint16 slashPenaltyBps_) {
        if (admin == address(0) || address(vault) == address(0)) revert ReputationZeroAddress();
        if (slashPenaltyBps_ > _BPS) revert ReputationBadBps(slashPenaltyBps_);
        _VAULT = vault;
        _slashPenaltyBps = slashPenaltyBps_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IReputation
    function recordDuties(address member, uint64 met, uint64 missed) external onlyRole(LEDGER_ROLE) {
        MemberReputation storage rep = _checkpoint(member);
        rep.dutiesMet += met;
        rep.dutiesTotal += met + missed;
        emit DutiesRecorded(member, met, missed, rep.dutiesMet, rep.dutiesTotal);
    }

    /// @inheritdoc IReputation
    function recordSlash(address member) external onlyRole(ADJUDICATOR_ROLE) {
        MemberReputation storage rep = _checkpoint(member);
        rep.slashCount += 1;
        emit SlashRecorded(member, rep.slashCount);
    }

    /// @inheritdoc IReputation
    function checkpoint(address member) external {
        _checkpoint(member);
    }

    /// @inheritdoc IReputation
    function setSlashPenalty(uint16 slashPenaltyBps_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (slashPenaltyBps_ > _BPS) revert ReputationBadBps(slashPenaltyBps_);
        _slashPenaltyBps = slashPenaltyBps_;
        emit SlashPenaltySet(slashPenaltyBps_);
    }

    /// @inheritdoc IReputation
    function reputationOf(address member) external view returns (MemberReputation memory) {
        return _reputation[member];
    }

    /// @inheritdoc IReputation
    function timeWeightedCollateral(address member) public view returns (uint256) {
        MemberReputation storage rep = _reputation[member];
        if (rep.lastUpdate == 0) return 0;
        uint256 elapsed = block.timestamp - rep.since;
        if (elapsed == 0) return rep.lastStake;
        uint256 total = uint256(rep.stakeSeconds) + uint256(rep.lastStake) * (block.timestamp - rep.lastUpdate);
        return total / elapsed;
    }

    /// @inheritdoc IReputation
    function scoreOf(address member) external view returns (uint256) {
        MemberReputation storage rep = _reputation[member];
        if (rep.dutiesTotal == 0) return 0;
        uint256 score = Math.mulDiv(timeWeightedCollateral(member), rep.dutiesMet, rep.dutiesTotal);
        if (rep.slashCount == 0) return score;
        uint256 factor = _pow(((_BPS - _slashPenaltyBps) * _ONE) / _BPS, rep.slashCount);
        return Math.mulDiv(score, factor, _ONE);
    }

    /// @inheritdoc IReputation
    function slashPenaltyBps() external view returns (uint16) {
        return _slashPenaltyBps;
    }

    /// @dev Accumulates stake x seconds since the last update and samples the current stake.
    function _checkpoint(address member) private returns (MemberReputation storage rep) {
        rep = _reputation[member];
        uint40 nowTime = uint40(block.timestamp);
        if (rep.lastUpdate == 0) {
            rep.since = nowTime;
        } else {
            rep.stakeSeconds = _saturate(
                uint256(rep.stakeSeconds) + uint256(rep.lastStake) * (nowTime - rep.lastUpdate)
            );
        }
        rep.lastUpdate = nowTime;
        uint256 stake = _VAULT.stakeOf(member);
        rep.lastStake = _saturate(stake);
        emit StakeCheckpointed(member, stake, rep.stakeSeconds);
    }

    /// @dev Clamps to the uint128 range (reputation saturates rather than blocking the duty or slash that updates it).
    function _saturate(uint256 value) private pure returns (uint128) {
        return value > type(uint128).max ? type(uint128).max : uint128(value);
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
