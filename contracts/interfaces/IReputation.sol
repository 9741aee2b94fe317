// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IReputation
/// @notice A member's reputation score (A9, v1): time-weighted collateral times the share of duties met within the
/// SLA, reduced by a penalty per slash. Computed on read from what the contracts that observe the member keep
/// anyway: duty counters in the commitment ledger (`memberRecordOf`), the slash counter and the stake weight
/// integrated over time by the stake source (`stakeHistoryOf`). Nothing is written on the hot paths (commit,
/// slash) for it.
/// @dev Time-weighted collateral = (weight x seconds since the member's first stake change) / (those seconds), the
/// weight counted as cached by the stake source at each change (after a token-weight change, until the member's next
/// change or `refreshStake`, at the weight cached before).
/// score = twc * met / total * ((10000 - slashPenaltyBps) / 10000) ^ slashCount; zero without duties.
interface IReputation {
    /// @notice A member's reputation inputs, as read from the ledger and the stake source.
    /// @param dutiesMet Duties met within the SLA.
    /// @param dutiesTotal Duties met plus missed.
    /// @param slashCount Slashes counted by the stake source.
    /// @param since The member's first stake change (zero: none).
    /// @param lastUpdate The member's last stake change.
    /// @param lastStake The stake weight cached at `lastUpdate`.
    /// @param stakeSeconds Weight x seconds from `since` to `lastUpdate`.
    struct MemberReputation {
        uint64 dutiesMet;
        uint64 dutiesTotal;
        uint32 slashCount;
        uint64 since;
        uint64 lastUpdate;
        uint256 lastStake;
        uint256 stakeSeconds;
    }

    /// @notice A penalty above 10000 basis points.
    error ReputationBadBps(uint16 bps);
    /// @notice A zero address where one is required.
    error ReputationZeroAddress();

    /// @notice Emitted when governance sets the slash penalty.
    event SlashPenaltySet(uint16 slashPenaltyBps);

    /// @notice Governance: the penalty per slash in basis points (multiplicative).
    function setSlashPenalty(uint16 slashPenaltyBps) external;

    /// @notice The member's reputation inputs.
    function reputationOf(address member) external view returns (MemberReputation memory);

    /// @notice Time-weighted collateral up to now (the interval since the last change counts at the cached weight).
    function timeWeightedCollateral(address member) external view returns (uint256);

    /// @notice The score, in stake-weight units.
    function scoreOf(address member) external view returns (uint256);

    /// @notice The penalty per slash in basis points.
    function slashPenaltyBps() external view returns (uint16);

    /// @notice The ledger whose counters are read.
    function ledger() external view returns (address);

    /// @notice The stake source whose stake history is read.
    function stakeSource() external view returns (address);
}
