// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IReputation
/// @notice A member's reputation score (A9, v1): time-weighted collateral times the share of duties met within the
/// SLA, reduced by a penalty per slash. Duties come from the commitment ledger (LEDGER_ROLE), slashes from the
/// adjudicator (ADJUDICATOR_ROLE); collateral is sampled from the vault's `stakeOf` at each update.
/// @dev Time-weighted collateral = (sum over intervals of stake x seconds) / (seconds since the first update),
/// where each interval uses the stake sampled at its start. Anyone may `checkpoint` a member to resample its stake.
/// score = twc * met / total * ((10000 - slashPenaltyBps) / 10000) ^ slashCount; zero without duties.
interface IReputation {
    /// @notice What is stored per member (two slots). `lastStake` saturates at 2^128 - 1 and `stakeSeconds` at
    /// 2^128 - 1 (e.g. 10^9 ETH of weight for 10^10 seconds still fits).
    struct MemberReputation {
        uint64 dutiesMet;
        uint64 dutiesTotal;
        uint32 slashCount;
        uint40 since;
        uint40 lastUpdate;
        uint128 lastStake;
        uint128 stakeSeconds;
    }

    /// @notice A penalty above 10000 basis points.
    error ReputationBadBps(uint16 bps);
    /// @notice A zero address where one is required.
    error ReputationZeroAddress();

    /// @notice Emitted when duties are recorded.
    event DutiesRecorded(address indexed member, uint64 met, uint64 missed, uint64 dutiesMet, uint64 dutiesTotal);
    /// @notice Emitted when a slash is recorded.
    event SlashRecorded(address indexed member, uint32 slashCount);
    /// @notice Emitted when the member's stake was sampled.
    event StakeCheckpointed(address indexed member, uint256 stake, uint256 stakeSeconds);
    /// @notice Emitted when governance sets the slash penalty.
    event SlashPenaltySet(uint16 slashPenaltyBps);

    /// @notice LEDGER_ROLE: records duties met within SLA and missed.
    function recordDuties(address member, uint64 met, uint64 missed) external;

    /// @notice ADJUDICATOR_ROLE: records a slash (call after the vault slashed, so the new stake is sampled).
    function recordSlash(address member) external;

    /// @notice Anyone: accumulates stake x seconds up to now and resamples the member's stake.
    function checkpoint(address member) external;

    /// @notice Governance: the penalty per slash in basis points (multiplicative).
    function setSlashPenalty(uint16 slashPenaltyBps) external;

    /// @notice The stored reputation record of a member.
    function reputationOf(address member) external view returns (MemberReputation memory);

    /// @notice Time-weighted collateral up to now (the pending interval counts at the last sampled stake).
    function timeWeightedCollateral(address member) external view returns (uint256);

    /// @notice The score, in stake-weight units.
    function scoreOf(address member) external view returns (uint256);

    /// @notice The penalty per slash in basis points.
    function slashPenaltyBps() external view returns (uint16);
}
