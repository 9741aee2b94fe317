// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IStakeSource
/// @notice Where the consortium's stake comes from: what the ledger's quorum check, the registry's collateral minimum,
/// `Reputation` and the adjudicator's slashes and claim payments read and call. A deployment has exactly one stake
/// source, fixed when the registry is wired: the native `CollateralVault` (the embedded default) or
/// `EigenLayerStakeSource` (members' operators restaked through EigenLayer, in a redistributing operator set).
/// @dev Weights are in the governance unit of the stake source's weighted tokens (1e18 = one base unit counts one
/// weight unit), so the ledger's quorum parameter means the same under either source when the weights do.
/// Restitution: every slash the adjudicator orders ends, once the slashed funds have reached this contract, in the
/// member's own restitution pool (less the bounty), and only the adjudicator releases a pool, to pay claims against
/// that member. A source whose slashed funds arrive in a second step (EigenLayer's clearing) says how long that can
/// take (`restitutionDelay`), so claim rounds last long enough, and moves what arrived into the pools on
/// `clearRestitution`, which the adjudicator calls before it settles a round.
interface IStakeSource {
    /// @notice A member's cached stake and its time integral.
    /// @param weight The cached stake weight (as of `lastUpdate`).
    /// @param weightSeconds Sum of cached weight x seconds from `since` to `lastUpdate` (saturates at 2^216 - 1).
    /// @param since When the member's weight first became non-zero (zero: never; `refreshStake` of an account without
    /// stake starts nothing).
    /// @param lastUpdate The last stake change.
    /// @param slashCount Slashes counted against the member (each `slash`, and `countSlash` for zero-share ones;
    /// saturates at 65535).
    /// @param current False when the cached weight is known to be stale (token weights changed since it was cached).
    struct StakeHistory {
        uint256 weight;
        uint256 weightSeconds;
        uint64 since;
        uint64 lastUpdate;
        uint32 slashCount;
        bool current;
    }

    /// @notice The quorum's one stake call: the summed bonded weight of `signers` for a subject created at
    /// `createdAt`, stopping at the first signer whose current weight is zero (not a co-signer, or no stake). A signer
    /// counts at most the weight it had before `createdAt`: stake added at or after `createdAt` (the same block
    /// included) adds nothing, and decreases (withdrawal requests, deallocations, slashes) lower it at once.
    /// @param signers The recovered signers.
    /// @param createdAt When the attested subject (a set, a request) was created.
    /// @return total The summed weight (of the signers before `refused`, when one is refused).
    /// @return refused One plus the index of the first signer with zero current weight; zero when none.
    function quorumWeightOf(
        address[] calldata signers,
        uint64 createdAt
    ) external view returns (uint256 total, uint256 refused);

    /// @notice The member's stake weight now (what the registry compares with the member's minimum collateral).
    function stakeOf(address member) external view returns (uint256 weight);

    /// @notice The member's cached stake and its time integral (time-weighted collateral for `Reputation`).
    function stakeHistoryOf(address member) external view returns (StakeHistory memory);

    /// @notice Registry only: records whether `member` may co-sign (pushed on every status change that alters it).
    function setCoSigner(address member, bool coSigner) external;

    /// @notice Whether the registry last pushed `member` as a co-signer.
    function isCoSigner(address member) external view returns (bool);

    /// @notice Anyone: re-caches `member`'s stake weight (after a change the source does not see by itself).
    function refreshStake(address member) external;

    /// @notice Slash `bps` of `member`'s stake (adjudicator only); the slashed funds (less `bountyRecipient`'s bounty)
    /// go to the member's restitution pool.
    /// @param member The member.
    /// @param bps Basis points in (0, 10000].
    /// @param bountyRecipient Receives the bounty share of each slashed amount; address(0) puts everything in the
    /// member's restitution pool.
    /// @return weightSlashed Stake weight of the slashed amounts (same units as stakeOf).
    function slash(address member, uint16 bps, address bountyRecipient) external returns (uint256 weightSlashed);

    /// @notice Counts a slash that took nothing (a zero governance share) so reputation still sees it
    /// (adjudicator only).
    function countSlash(address member) external;

    /// @notice What `member`'s restitution pool holds of `token` (slashed from it, arrived, not yet released).
    function restitutionOf(address member, address token) external view returns (uint256);

    /// @notice Pay `amount` of `token` from `member`'s restitution pool to `to` (adjudicator only: claims against
    /// `member`).
    function releaseRestitution(address member, address token, address to, uint256 amount) external;

    /// @notice Anyone: moves whatever of `member`'s slashed funds has arrived into its restitution pools; never
    /// reverts for funds not yet available (they stay pending).
    /// @param orderedBy Count only the pending slashes ordered at or before this time (a claim round's close).
    /// @return pending How many of the member's slashes ordered by `orderedBy` still wait for their funds (executed or
    /// not yet: a slash the source could not execute yet counts).
    function clearRestitution(address member, uint64 orderedBy) external returns (uint256 pending);

    /// @notice The weight a slash's share is taken of: on the native vault each token's balance plus its pending
    /// withdrawal (a slash cuts both), on EigenLayer the allocated stake (`stakeOf`).
    function slashableWeightOf(address member) external view returns (uint256 weight);

    /// @notice The tokens a restitution pool can hold (address(0): ether) and the stake weight of one base unit of
    /// each (1e18 = one weight unit): what a payout owed in weight is paid in.
    function poolTokens() external view returns (address[] memory tokens, uint256[] memory weights);
    /// @notice The longest time, in seconds, between a slash and its funds reaching the restitution pool (zero when
    /// they arrive in the slash itself).
    function restitutionDelay() external view returns (uint64);

    /// @notice The only contract that slashes and releases restitution (zero until governance sets it).
    function adjudicator() external view returns (address);
}
