// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAttestations} from "./IAttestations.sol";

/// @title IReputation
/// @notice A member's reputation score (A9, v1): time-weighted collateral times the share of duties met within the
/// SLA, reduced by a penalty per slash. Computed on read from what the contracts that observe the member keep
/// anyway: duty counters in the commitment ledger (`memberRecordOf`), the slash counter and the stake weight
/// integrated over time by the stake source (`stakeHistoryOf`). Nothing is written on the hot paths (commit,
/// slash) for it.
/// @dev Time-weighted collateral = (weight x seconds since the member's first stake change) / (those seconds), the
/// weight counted as cached by the stake source at each change (after a token-weight change, until the member's next
/// change or `refreshStake`, at the weight cached before).
/// Duties (A9): the ledger's (snapshots in cadence, requests answered) and, once `setAttestations` wired the
/// attestations contract, its IAs settled or missed, RAs on time or overdue and samples opened or missed, each kind
/// weighted by governance (`Weights`): met = sum(weight_k * met_k), total = sum(weight_k * total_k).
/// RA findings: an RA's penalty = min(10000, sum(count_s * weight_s) + (10000 - score) * scoreWeightBps / 10000)
/// basis points, with the weights in force when the RA is posted (`recordFindings`, called by the attestations
/// contract). Reputation keeps one figure per member: the worst penalty, decaying at a fixed slope of 10000 basis
/// points per `findingsDecay` seconds; an RA raises it when its own penalty is above what is left, and nothing lowers
/// it but time (a clean RA, or many, cannot wipe an adverse one: a penalty of p lasts p / 10000 * findingsDecay).
/// The duties of 0-confirmation transfers count once `setTransfers` wired the transfers contract: settled notices as
/// met, defaulted ones as missed, weighted by `Weights.transfers`.
/// score = twc * met / total * (10000 - findings penalty) / 10000 * ((10000 - slashPenaltyBps) / 10000) ^ slashCount;
/// zero without duties.
interface IReputation {
    /// @notice Governance's weights: per duty kind, per finding severity (basis points each), of the score's
    /// shortfall, and the findings' decay.
    struct Weights {
        uint16 snapshots;
        uint16 interims;
        uint16 reserveAttestations;
        uint16 samples;
        uint16 criticalBps;
        uint16 highBps;
        uint16 mediumBps;
        uint16 lowBps;
        uint16 scoreWeightBps;
        uint64 findingsDecay;
        uint16 transfers;
    }

    /// @notice The score's parts, as `scoreOf` combines them.
    /// @param twc Time-weighted collateral.
    /// @param weightedMet Weighted duties met.
    /// @param weightedTotal Weighted duties in all.
    /// @param findingsPenaltyBps The member's worst RA findings penalty, decayed to now (see `findingsPenaltyOf`).
    /// @param slashFactor ((10000 - slashPenaltyBps) / 10000) ^ slashCount, in 1e18 fixed point.
    /// @param score The score.
    struct Parts {
        uint256 twc;
        uint256 weightedMet;
        uint256 weightedTotal;
        uint256 findingsPenaltyBps;
        uint256 slashFactor;
        uint256 score;
    }

    /// @notice The worst findings penalty an RA set, as stored: `bps` at `at`, decaying from then at 10000 basis
    /// points per `decay` seconds (the `findingsDecay` in force when it was set: a later `setWeights` applies to
    /// figures set after it). `at` is also set by a member's first RA (bps 0) and by a governance clear.
    struct FindingsPenalty {
        uint16 bps;
        uint64 at;
        uint64 decay;
    }

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
    /// @notice Weights with every duty kind at zero, a severity weight above 10000 or a zero decay.
    error ReputationBadWeights();
    /// @notice The attestations contract is set once.
    error ReputationAttestationsAlreadySet();
    /// @notice The attestations contract records findings in `itsReputation`, not in this contract.
    error ReputationAttestationsMismatch(address attestations, address itsReputation);
    /// @notice The transfers contract is set already (it is wired once).
    error ReputationTransfersAlreadySet();

    /// @notice Emitted when an RA raised `member`'s findings penalty (as counted for `attestations`, the caller).
    event FindingsPenaltyRaised(address indexed attestations, address indexed member, uint16 bps);
    /// @notice Emitted when governance clears `member`'s findings penalty (`previousBps` what was left of it).
    event FindingsPenaltyCleared(address indexed attestations, address indexed member, uint256 previousBps);
    /// @notice Emitted when governance sets the slash penalty.
    event SlashPenaltySet(uint16 slashPenaltyBps);
    /// @notice Emitted when governance sets the weights.
    event WeightsSet(Weights weights);
    /// @notice Emitted when governance wires the attestations contract.
    event AttestationsSet(address attestations);
    /// @notice The transfers contract whose settled and defaulted notices count as duties.
    event TransfersSet(address transfers);

    /// @notice Governance: the weights.
    function setWeights(Weights calldata weights) external;

    /// @notice Governance, once: the attestations contract whose duties and findings count; it must record its
    /// findings here (`IAttestations.reputation()`, else ReputationAttestationsMismatch).
    function setAttestations(address attestations) external;

    /// @notice Governance, once: the transfers contract (settled notices count as duties met, defaults as missed,
    /// weighted by `Weights.transfers`).
    function setTransfers(address transfers) external;

    /// @notice Called by the attestations contract for each RA it takes: raises `member`'s findings penalty to the
    /// RA's when that is above the stored one decayed to now. Anyone may call it; each caller's figures are its own,
    /// and the score reads only those of the wired attestations contract.
    function recordFindings(address member, IAttestations.Findings calldata findings) external;

    /// @notice Governance (behind its timelock): clears `member`'s findings penalty as recorded by `attestations_`,
    /// e.g. one set by an auditor whose role was revoked for it. Later RAs raise it again as usual.
    function clearFindings(address attestations_, address member) external;

    /// @notice `member`'s findings penalty as recorded by `attestations_`: the stored figure, and what is left of it
    /// now (the part the score counts).
    function findingsPenaltyOf(
        address attestations_,
        address member
    ) external view returns (FindingsPenalty memory stored, uint256 nowBps);

    /// @notice The wired transfers contract (zero until set).
    function transfers() external view returns (address);

    /// @notice The score's parts.
    function partsOf(address member) external view returns (Parts memory);

    /// @notice The weights.
    function weights() external view returns (Weights memory);

    /// @notice The attestations contract (zero until set).
    function attestations() external view returns (address);

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
