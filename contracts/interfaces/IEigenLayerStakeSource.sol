// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStakeSource} from "./IStakeSource.sol";
import {IAVSRegistrar} from "../eigenlayer/interfaces/IAVSRegistrar.sol";
import {IStrategy} from "../eigenlayer/interfaces/IStrategy.sol";

/// @title IEigenLayerStakeSource
/// @notice The consortium as an EigenLayer AVS: the AVS address, its registrar, the slasher and the redistribution
/// recipient of ONE redistributing operator set, and the consortium's stake source when a deployment chooses
/// EigenLayer (`IStakeSource`).
/// @dev Members and operators: a member (Probation or Active in the registry) names its operator once with
/// `approveOperator`; the operator registers for the set through the AllocationManager with the member's address as
/// the registration data; the callback admits it only for that member. One operator per member and one member per
/// operator; a member may name another operator only once the previous one is no longer slashable. Either side
/// deregisters (the AllocationManager calls back); the consortium's ejection of a member deregisters its operator
/// (and `deregisterLeft` does it for a member that left, should that fail).
/// Weight: `stakeOf` is the operator's stake slashable by the set `lookAheadBlocks` ahead
/// (`getMinimumSlashableStake`, so deallocations completing within the look-ahead count nothing), each strategy's
/// shares converted to its underlying token and weighted by governance's strategy weight (1e18 = one base unit
/// counts one weight unit, as the vault's token weights). The quorum counts a signer at the lower of that and its
/// weight as cached before the subject was created (`refreshStake` caches it; anyone may call it): stake that became
/// slashable, or was cached, at or after a subject's creation adds nothing to it.
/// Slashing: `slash` slashes `bps` of the operator's allocation of every strategy (`wadsToSlash` = bps x 1e14, the
/// strategies in ascending order) through `slashOperator`, then clears the slashed shares to this contract
/// (`clearBurnOrRedistributableSharesByStrategy`); what arrives is the member's restitution pool in the underlying
/// token less the bounty (slashed WETH, when the deployment names it, is unwrapped and pooled as ETH, address(0), so
/// claims in the ETH asset are paid in ether). A clearing that is not possible yet (EigenLayer's slash resolution
/// delay) stays pending and
/// `clearSlash` / `clearRestitution` (anyone; the adjudicator calls it before it settles a claim round) finishes it. A
/// slash EigenLayer refuses (operator not slashable, paused, no operator) is recorded with the revert data and
/// `retrySlash` (anyone) executes it later; it is counted for reputation when ordered. One refused while the member's
/// operator was slashable (a pause) holds the member's claim rounds that close after its order until it executes
/// (`clearRestitution` counts it as pending), unless governance releases it (`releaseDeferredSlash`).
/// Accounting per token: everything cleared = restitution pools + released + bounties (pushed or credited).
interface IEigenLayerStakeSource is IStakeSource, IAVSRegistrar {
    /// @notice A strategy of the operator set and its weight.
    struct StrategyWeight {
        IStrategy strategy;
        uint96 weight;
    }

    /// @notice A slash EigenLayer executed, until its shares are cleared.
    /// @param member The slashed member.
    /// @param bountyRecipient Receives `bountyBps` of what arrives (zero: nobody).
    /// @param bountyBps The bounty share fixed when the slash was ordered.
    /// @param cleared Whether every strategy's shares arrived.
    /// @param orderedAt When the adjudicator ordered it (for a retried slash, its first order; claim rounds closing
    /// after it wait for it).
    struct ExecutedSlash {
        address member;
        address bountyRecipient;
        uint16 bountyBps;
        bool cleared;
        uint40 orderedAt;
    }

    /// @notice A slash ordered but refused by EigenLayer, kept to be retried.
    /// @param member The member to slash.
    /// @param bps The share of the allocation to slash.
    /// @param bountyRecipient Receives the bounty share when it executes.
    /// @param bountyBps The bounty share fixed when the slash was ordered.
    /// @param orderedAt When the adjudicator ordered it: until it executes (or governance releases it), claim rounds
    /// of the member closing after it wait for it.
    /// @param holdsRounds Whether it still holds the member's claim rounds: only a slash EigenLayer refused while the
    /// member's operator was slashable (a pause) does, until governance releases it; it stays retriable either way.
    /// @param reason EigenLayer's revert data at the last attempt.
    struct DeferredSlash {
        address member;
        uint16 bps;
        address bountyRecipient;
        uint16 bountyBps;
        uint40 orderedAt;
        bool holdsRounds;
        bytes reason;
    }

    /// @notice Accounting totals of one underlying token.
    /// @param cleared Everything slashed and arrived here.
    /// @param released Restitution paid out to claims.
    /// @param bountyPaid Bounties pushed to their recipients.
    /// @param unclaimedBounty Bounties credited (a push failed) and not yet claimed.
    struct TokenTotals {
        uint256 cleared;
        uint256 released;
        uint256 bountyPaid;
        uint256 unclaimedBounty;
    }

    /// @notice A zero address where an address is needed.
    error EigenLayerZeroAddress();
    /// @notice Only the AllocationManager calls the registrar back.
    error EigenLayerNotAllocationManager(address caller);
    /// @notice The callback names another AVS or other operator sets than this AVS's one set.
    error EigenLayerWrongOperatorSet(address avs, uint32[] operatorSetIds);
    /// @notice Only the registry pushes co-signer flags.
    error EigenLayerNotRegistry(address caller);
    /// @notice Only the adjudicator slashes and releases restitution.
    error EigenLayerNotAdjudicator(address caller);
    /// @notice The adjudicator is set once.
    error EigenLayerAdjudicatorAlreadySet(address adjudicator);
    /// @notice `member` is not Probation or Active in the registry.
    error EigenLayerNotOperatingMember(address member);
    /// @notice `operator` is not the operator `member` approved.
    error EigenLayerOperatorNotApproved(address member, address operator);
    /// @notice `operator` already serves `member`.
    error EigenLayerOperatorTaken(address operator, address member);
    /// @notice `member` is still bound to `operator`, which is registered or still slashable.
    error EigenLayerOperatorStillBound(address member, address operator);
    /// @notice The registration data must be the ABI encoding of one member address.
    error EigenLayerBadRegistrationData(bytes data);
    /// @notice The operator set exists already.
    error EigenLayerSetAlreadyCreated();
    /// @notice The operator set does not exist yet.
    error EigenLayerSetNotCreated();
    /// @notice A strategy is listed already, or strategies are not in strictly ascending order.
    error EigenLayerBadStrategy(address strategy);
    /// @notice Too many strategies (the list is bounded so a slash stays cheap).
    error EigenLayerTooManyStrategies(uint256 max);
    /// @notice The look-ahead must be below EigenLayer's deallocation delay.
    error EigenLayerLookAheadTooLong(uint32 lookAhead, uint32 deallocationDelay);
    /// @notice Slashing basis points must be in (0, 10000]; a bounty share at most 10000.
    error EigenLayerInvalidBps(uint256 bps);
    /// @notice `member`'s restitution pool of `token` holds less than the release asks for.
    error EigenLayerRestitutionShort(address member, address token, uint256 held, uint256 amount);
    /// @notice Zero amount.
    error EigenLayerZeroAmount();
    /// @notice No deferred slash with this id.
    error EigenLayerUnknownDeferredSlash(uint256 id);
    /// @notice EigenLayer refused the retried slash again (its revert data).
    error EigenLayerSlashRefused(uint256 id, bytes reason);
    /// @notice Deferred slash `id` does not hold claim rounds (released already).
    error EigenLayerDeferredSlashNotHolding(uint256 id);
    /// @notice `member` has no operator to slash (the reason a slash of such a member is deferred).
    error EigenLayerNoOperator(address member);
    /// @notice A call into EigenLayer failed without revert data (out of gas): the whole transaction reverts, so a
    /// caller cannot turn a slash into a deferred one by starving it of gas.
    error EigenLayerCallStarved();
    /// @notice No executed slash with this id waits for clearing.
    error EigenLayerUnknownSlash(uint256 slashId);
    /// @notice `member` has not left the consortium (or has no registered operator).
    error EigenLayerMemberNotLeft(address member);
    /// @notice Ether arrives only from the wrapped-native token (unwrapping a slash).
    error EigenLayerUnexpectedEth(address sender);
    /// @notice An ether payment failed.
    error EigenLayerEthTransferFailed(address to, uint256 amount);
    /// @notice The recipient has no bounty credit in this token.
    error EigenLayerNoBounty(address recipient, address token);

    /// @notice Emitted when the operator set was created.
    event OperatorSetCreated(uint32 operatorSetId, string metadataURI);
    /// @notice Emitted when governance listed a strategy or changed its weight.
    event StrategyWeightSet(address indexed strategy, uint256 weight);
    /// @notice Emitted when a member named its operator.
    event OperatorApproved(address indexed member, address indexed operator);
    /// @notice Emitted when a member's operator registered for the set.
    event OperatorRegistered(address indexed member, address indexed operator);
    /// @notice Emitted when a member's operator left the set (either side).
    event OperatorDeregistered(address indexed member, address indexed operator);
    /// @notice Emitted when deregistering an ejected member's operator failed (`deregisterLeft` retries).
    event OperatorEjectionFailed(address indexed member, address indexed operator, bytes reason);
    /// @notice Emitted when EigenLayer executed a slash.
    event OperatorSlashOrdered(
        address indexed member,
        address indexed operator,
        uint256 indexed slashId,
        uint16 bps,
        uint256 weightSlashed
    );
    /// @notice Emitted when EigenLayer refused a slash: it is kept as `id` and can be retried.
    event SlashDeferred(uint256 indexed id, address indexed member, uint16 bps, bytes reason);
    /// @notice Emitted when a deferred slash executed.
    event DeferredSlashExecuted(uint256 indexed id, uint256 indexed slashId);
    /// @notice Emitted when governance released deferred slash `id` from holding `member`'s claim rounds.
    event DeferredSlashReleased(uint256 indexed id, address indexed member);
    /// @notice Emitted per strategy whose slashed shares arrived, with how they were booked.
    event SlashCleared(
        address indexed member,
        uint256 indexed slashId,
        address indexed token,
        uint256 amount,
        uint256 bounty,
        address bountyRecipient
    );
    /// @notice Emitted when the adjudicator released restitution from `member`'s pool (a claim payment) to `to`.
    event RestitutionReleased(address indexed member, address indexed token, address indexed to, uint256 amount);
    /// @notice Emitted when a bounty could not be pushed and was credited to `recipient` instead.
    event BountyCredited(address indexed recipient, address indexed token, uint256 amount);
    /// @notice Emitted when a credited bounty was claimed.
    event BountyClaimed(address indexed recipient, address indexed token, uint256 amount);
    /// @notice Emitted when governance set the adjudicator.
    event AdjudicatorSet(address indexed adjudicator);
    /// @notice Emitted when governance set the stake parameters.
    event StakeParamsSet(uint32 lookAheadBlocks, uint64 restitutionDelay, uint16 bountyShareBps);
    /// @notice Emitted when the registry pushed whether a member may co-sign.
    event CoSignerSet(address indexed member, bool coSigner);

    // ------------------------------------------------------------------ governance

    /// @notice Makes this contract an AVS, its own registrar, and creates the redistributing operator set with
    /// `strategies` (strictly ascending addresses) and their weights, this contract as slasher and recipient
    /// (governance, once).
    function createOperatorSet(string calldata metadataURI, StrategyWeight[] calldata strategies) external;

    /// @notice Adds a strategy to the set with its weight, or changes a listed strategy's weight (governance). A
    /// weight of zero keeps the strategy slashable but counts it for nothing.
    function setStrategyWeight(IStrategy strategy, uint96 weight) external;

    /// @notice Sets the look-ahead (blocks, below the deallocation delay), the restitution delay (seconds a slash's
    /// clearing may take) and the bounty share (governance).
    function setStakeParams(uint32 lookAheadBlocks, uint64 restitutionDelay_, uint16 bountyShareBps) external;

    /// @notice Sets the adjudicator, the only contract that slashes and releases restitution (governance, once).
    function setAdjudicator(address adjudicator_) external;

    // ------------------------------------------------------------------ members and anyone

    /// @notice The caller (a Probation or Active member) names the EigenLayer operator that stakes for it.
    function approveOperator(address operator) external;

    /// @notice Anyone: deregisters the operator of a member that left the consortium (Exited or Ejected).
    function deregisterLeft(address member) external;

    /// @notice Anyone: executes a deferred slash; reverts EigenLayerSlashRefused (keeping it) if EigenLayer refuses
    /// again. The executed slash keeps the deferred slash's order time.
    function retrySlash(uint256 id) external;

    /// @notice Governance: stops deferred slash `id` from holding its member's claim rounds (for a slash EigenLayer will
    /// not execute in any useful time, e.g. a member with no operator); it stays retriable, and what it takes when it
    /// executes goes to the member's pool for the rounds open then.
    function releaseDeferredSlash(uint256 id) external;

    /// @notice Anyone: clears executed slash `slashId`'s shares to this contract and books them; returns whether every
    /// strategy's shares arrived (false while EigenLayer's resolution delay runs).
    function clearSlash(uint256 slashId) external returns (bool cleared);

    /// @notice Claim bounty credited when a push failed.
    function claimBounty(address token) external;

    // ------------------------------------------------------------------ views

    /// @notice The operator `member` approved (zero: none) and whether it is registered in the set.
    function operatorOf(address member) external view returns (address operator, bool registered);

    /// @notice The member `operator` serves (zero: none).
    function memberOf(address operator) external view returns (address);

    /// @notice The strategies of the set, ascending, with their weights.
    function strategies() external view returns (StrategyWeight[] memory);

    /// @notice The operator set's id (the AVS is this contract).
    function operatorSetId() external view returns (uint32);

    /// @notice The wrapped-native token whose slashed tokens are pooled as ETH (zero: none).
    function wrappedNative() external view returns (address);

    /// @notice The EigenLayer core contracts this adapter calls.
    function eigenLayer() external view returns (address allocationManager, address strategyManager);

    /// @notice The current look-ahead and bounty share (the restitution delay is `restitutionDelay`).
    function stakeParams() external view returns (uint32 lookAheadBlocks, uint16 bountyShareBps);

    /// @notice An executed slash (zero member: unknown).
    function executedSlash(uint256 slashId) external view returns (ExecutedSlash memory);

    /// @notice The slashes of `member` whose shares have not all arrived.
    function pendingSlashesOf(address member) external view returns (uint256[] memory slashIds);

    /// @notice The deferred slashes of `member` that hold its claim rounds (not executed, not released).
    function deferredSlashesOf(address member) external view returns (uint256[] memory ids);

    /// @notice A deferred slash (zero member: none or executed).
    function deferredSlash(uint256 id) external view returns (DeferredSlash memory);

    /// @notice How many slashes were ever deferred (ids are 1..count).
    function deferredSlashCount() external view returns (uint256);

    /// @notice Bounty credited to `recipient` in `token`, not yet claimed.
    function bountyOf(address recipient, address token) external view returns (uint256);

    /// @notice Accounting totals of `token`.
    function totals(address token) external view returns (TokenTotals memory);
}
