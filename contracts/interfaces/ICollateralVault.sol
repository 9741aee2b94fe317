// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStakeSource} from "./IStakeSource.sol";

/// @title ICollateralVault
/// @notice Members' collateral in ETH and governance-approved ERC-20 tokens. Withdrawals are requested, then
/// executable after the registry's unbonding delay; pending withdrawals stay slashable. Only the adjudicator
/// (`adjudicator()`, set once by governance) slashes; slashed funds go to the prover's bounty (bountyShareBps) and the
/// member's own restitution pool in that token (the rest, exactly: no rounding loss). The pools stay in the vault (a
/// slash moves no money between contracts); only the adjudicator releases a member's pool, to pay claims against
/// that member: one member's slashed collateral never pays another member's victims (so no member can drain what
/// others were slashed by proving fraud against itself).
/// @dev Token address(0) is ETH. Per (member, token) the vault keeps a balance and at most one pending withdrawal;
/// a new request adds to the pending amount and restarts its delay. Accounting per token: the vault holds exactly
/// the sum over members of (balance + pending + restitution) + unclaimedBounty, and every deposit is in a balance, a
/// pending withdrawal, withdrawn, or slashed; everything slashed is bounty (pushed or credited) + restitution held +
/// released. A slash without pending withdrawals writes only the member's two position slots (no per-token total).
/// A bounty that cannot be pushed (reverting recipient or token) is credited and claimed later with claimBounty.
/// Collateral tokens and their weights sit in a fixed list of at most MAX_TOKENS entries, one slot each.
/// Stake weights are cached per member (one slot, with the member's co-signer flag that the registry pushes), so the
/// quorum reads one slot per signer (`weightsOf`). A governance change of any token weight starts a new weight
/// epoch: cached weights of an older epoch are never used (views recompute them from the balances) until
/// `refreshStake` or the member's next balance change caches the new value. The vault also integrates each member's
/// cached weight over time (`stakeHistoryOf`), which `Reputation` reads as time-weighted collateral.
interface ICollateralVault is IStakeSource {
    /// @notice Per-token totals (member balances and restitution pools are per member: `balanceOf`,
    /// `restitutionOf`).
    /// @param deposited Sum of all deposits.
    /// @param pending Sum of all pending withdrawals.
    /// @param withdrawn Sum of all executed withdrawals.
    /// @param unclaimedBounty Bounty credited and not yet claimed.
    /// @param released Restitution paid out to claims.
    struct TokenTotals {
        uint256 deposited;
        uint256 pending;
        uint256 withdrawn;
        uint256 unclaimedBounty;
        uint256 released;
    }

    /// @notice A pending withdrawal.
    /// @param amount Amount pending, in the token's base units.
    /// @param executableAt Time from which withdraw may pay it.
    struct PendingWithdrawal {
        uint256 amount;
        uint64 executableAt;
    }

    /// @notice The token is not approved for deposits (weight 0).
    error CollateralVaultTokenNotApproved(address token);
    /// @notice Zero amount.
    error CollateralVaultZeroAmount();
    /// @notice For ETH, amount must equal msg.value; for a token, msg.value must be 0.
    error CollateralVaultValueMismatch(uint256 amount, uint256 value);
    /// @notice The member's status does not allow deposits.
    error CollateralVaultNotMember(address member);
    /// @notice The member's balance is too small.
    error CollateralVaultInsufficientBalance(address member, address token, uint256 balance, uint256 needed);
    /// @notice The withdrawal would leave an Active member below its minimum collateral weight.
    error CollateralVaultBelowMinimum(address member, uint256 stakeAfter, uint256 minimum);
    /// @notice Nothing pending for this member and token.
    error CollateralVaultNoPendingWithdrawal(address member, address token);
    /// @notice The pending withdrawal's unbonding delay has not elapsed.
    error CollateralVaultWithdrawalLocked(address member, address token, uint64 executableAt);
    /// @notice Slashing basis points must be in (0, 10000].
    error CollateralVaultInvalidBps(uint256 bps);
    /// @notice An ETH transfer failed.
    error CollateralVaultEthTransferFailed(address to, uint256 amount);
    /// @notice Too many collateral tokens (the list is bounded so slashing stays cheap).
    error CollateralVaultTooManyTokens(uint256 max);
    /// @notice The recipient has no bounty credit in this token.
    error CollateralVaultNoBounty(address recipient, address token);
    /// @notice A zero address where an address is needed.
    error CollateralVaultZeroAddress();
    /// @notice Only the registry may push a member's co-signer flag.
    error CollateralVaultNotRegistry(address caller);
    /// @notice Only the adjudicator may slash or release restitution.
    error CollateralVaultNotAdjudicator(address caller);
    /// @notice A token weight must fit in 96 bits.
    error CollateralVaultWeightTooLarge(uint256 weight);
    /// @notice `member`'s restitution pool of `token` holds less than the release asks for.
    error CollateralVaultRestitutionShort(address member, address token, uint256 held, uint256 amount);
    /// @notice The adjudicator is set once.
    error CollateralVaultAdjudicatorAlreadySet(address adjudicator);

    /// @notice Emitted after a deposit.
    /// @param member The member credited.
    /// @param token The token (address(0) = ETH).
    /// @param from The payer.
    /// @param amount Amount credited (received amount for fee-on-transfer tokens).
    event CollateralDeposited(address indexed member, address indexed token, address from, uint256 amount);
    /// @notice Emitted when a withdrawal was requested (or increased; the delay restarts).
    /// @param member The member.
    /// @param token The token.
    /// @param amount Amount added to the pending withdrawal.
    /// @param pendingTotal The member's total pending amount in this token.
    /// @param executableAt Time from which the withdrawal can be executed.
    event WithdrawalRequested(
        address indexed member,
        address indexed token,
        uint256 amount,
        uint256 pendingTotal,
        uint64 executableAt
    );
    /// @notice Emitted when a pending withdrawal was cancelled and returned to the balance.
    event WithdrawalCancelled(address indexed member, address indexed token, uint256 amount);
    /// @notice Emitted when a pending withdrawal was paid out.
    event CollateralWithdrawn(address indexed member, address indexed token, uint256 amount);
    /// @notice Emitted once per token with a non-zero slashed amount.
    /// @param member The slashed member.
    /// @param token The token.
    /// @param fromBalance Amount taken from the balance.
    /// @param fromPending Amount taken from the pending withdrawal.
    /// @param bounty Amount for the bounty recipient.
    /// @param toRestitution Amount added to the member's restitution pool (fromBalance + fromPending - bounty).
    /// @param bountyRecipient The bounty recipient.
    event CollateralSlashed(
        address indexed member,
        address indexed token,
        uint256 fromBalance,
        uint256 fromPending,
        uint256 bounty,
        uint256 toRestitution,
        address bountyRecipient
    );
    /// @notice Emitted when the adjudicator released restitution from `member`'s pool (a claim payment) to `to`.
    event RestitutionReleased(address indexed member, address indexed token, address indexed to, uint256 amount);
    /// @notice Emitted when a bounty could not be pushed and was credited to `recipient` instead.
    event BountyCredited(address indexed recipient, address indexed token, uint256 amount);
    /// @notice Emitted when a credited bounty was claimed.
    event BountyClaimed(address indexed recipient, address indexed token, uint256 amount);
    /// @notice Emitted when governance set a collateral token's weight (0 disables new deposits).
    event TokenWeightSet(address indexed token, uint256 weight);
    /// @notice Emitted when governance set the adjudicator (the only slasher).
    event AdjudicatorSet(address indexed adjudicator);
    /// @notice Emitted when governance set the bounty share.
    event BountyShareSet(uint16 bps);
    /// @notice Emitted when the registry pushed whether a member may co-sign attestations.
    event CoSignerSet(address indexed member, bool coSigner);

    /// @notice Deposit `amount` of `token` as collateral of `member` (Applied, Probation or Active).
    /// @param member The member credited.
    /// @param token address(0) for ETH (send amount as msg.value) or an approved ERC-20 (approve first).
    /// @param amount Amount in base units.
    function deposit(address member, address token, uint256 amount) external payable;

    /// @notice Move `amount` of the caller's `token` balance into its pending withdrawal (delay restarts).
    /// @dev Reverts CollateralVaultBelowMinimum if the caller is Active and its remaining stake weight would drop
    /// below its SLA minimum.
    function requestWithdrawal(address token, uint256 amount) external;

    /// @notice Return the caller's pending `token` withdrawal to its balance.
    function cancelWithdrawal(address token) external;

    /// @notice Pay the caller's pending `token` withdrawal once its delay elapsed.
    function withdraw(address token) external;

    /// @notice Claim bounty credited when a push failed.
    function claimBounty(address token) external;

    /// @notice Stake weights of many addresses in one call (the quorum's only vault call): `stakeOf(signer)` for an
    /// address the registry lets co-sign (Probation or Active), zero for any other.
    /// @param signers The addresses.
    /// @return weights One weight per address, in order.
    function weightsOf(address[] calldata signers) external view returns (uint256[] memory weights);

    /// @notice The member's balance of `token` (excluding pending withdrawals).
    function balanceOf(address member, address token) external view returns (uint256);

    /// @notice The member's pending withdrawal of `token`.
    function pendingOf(address member, address token) external view returns (PendingWithdrawal memory);

    /// @notice Bounty credited to `recipient` in `token`, not yet claimed.
    function bountyOf(address recipient, address token) external view returns (uint256);

    /// @notice Weight of `token` (1e18 = one base unit counts as one weight unit); 0 = not approved.
    function tokenWeight(address token) external view returns (uint256);

    /// @notice Every token ever given a weight (ETH included).
    function collateralTokens() external view returns (address[] memory);

    /// @notice Share of each slash paid as bounty, in basis points.
    function bountyShareBps() external view returns (uint16);

    /// @notice The consortium registry (member status, SLA minimum, unbonding delay).
    function registry() external view returns (address);

    /// @notice Accounting totals of `token` across all members.
    function totals(address token) external view returns (TokenTotals memory);

    /// @notice Set a collateral token's weight (governance); 0 stops new deposits (balances stay slashable).
    function setTokenWeight(address token, uint256 weight) external;

    /// @notice Set the adjudicator, the only contract that slashes and releases restitution (governance, once:
    /// CollateralVaultAdjudicatorAlreadySet).
    function setAdjudicator(address adjudicator) external;

    /// @notice Set the bounty share in basis points, at most 10000 (governance).
    function setBountyShareBps(uint16 bps) external;
}
