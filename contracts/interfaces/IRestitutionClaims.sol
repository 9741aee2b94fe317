// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IRestitutionClaims
/// @notice The restitution claims booked by accepted fraud proofs, one per (member, nullifier) (a booked nullifier is
/// spent for that member only), paid in claim rounds from the accused member's restitution pool in the vault (what the
/// member was slashed, less bounties).
/// @dev Claim rounds: per (member, token) one current round. The first claim when no round is open opens the next
/// round, closing `max(claimWindow, registry.unbondingDelay())` later; every claim booked while it is open joins it.
/// Governance or an auditor may veto a claim while its round is open. After the round closes it is settled once
/// (by `settleRound` or its first payment, which wait while the stake source still clears slashes of the member
/// ordered by the round's close: RestitutionAwaitingSlashedFunds; opening the next round settles it too, unless such
/// slashes still wait: then the new claim joins the closed round, which reopens for a window, RoundReopened): of the
/// member's pool `P` in the
/// token, `payable = min(booked, P * (1 - share))` is reserved for the round's claims and `payable * share / (1 -
/// share)` goes to the insurance side for good (`share` = the insurance share when the round opened, at most 50%),
/// each claim paid
/// `claim * payable / booked` (rounding down) once, to the payout address that opens its `payoutHash`. Both amounts
/// leave the vault for this contract, which keeps them on its books (`claimTotalsOf`) until paid or withdrawn to the
/// insurance fund. A claim is stored in ONE slot, `claimWordOf(member, nullifier)`: the digest of its terms
/// (`claimDigestOf`) with the low three bits used as flags (1 booked, 2 paid, 4 vetoed); member, nullifier and the
/// terms are in the adjudicator's `FraudProven` event, and payment, veto and payout assignment take the terms back.
interface IRestitutionClaims {
    /// @notice What a claim was booked for (the preimage of its digest).
    /// @param asset The record's asset id; the claim is paid in the asset's token.
    /// @param claim The amount booked, in base units.
    /// @param round The claim round of (member, token) the claim joined.
    /// @param payoutHash The record's payout commitment (0: none; governance may assign one).
    struct ClaimTerms {
        uint32 asset;
        uint96 claim;
        uint32 round;
        uint256 payoutHash;
    }

    /// @notice A claim round of one member and token.
    /// @param round The round number (from 1; 0: no round yet).
    /// @param closesAt When the round stops taking claims and vetoes; it can be settled from then on.
    /// @param booked Sum of the round's claims not vetoed.
    /// @param settled Whether the round was settled.
    /// @param reserved What the settlement reserved for the round's claims (0 before settlement).
    struct RoundInfo {
        uint32 round;
        uint64 closesAt;
        uint256 booked;
        bool settled;
        uint256 reserved;
    }

    /// @notice What this contract holds of a token on the claims' books.
    /// @param insurance Insurance share (and request fees kept on a miss) not yet withdrawn to the insurance fund.
    /// @param reserved Reserved for settled claims not yet paid.
    struct ClaimTotals {
        uint256 insurance;
        uint256 reserved;
    }

    /// @notice Governance parameters of the claims.
    /// @param claimWindow Minimum length of a claim round in seconds (at least 1); the round lasts at least the
    /// registry's unbonding delay too.
    /// @param insuranceShareBps Share of what each settled round takes from a member's pool that goes to the insurance
    /// side (at most MAX_INSURANCE_SHARE_BPS = 5000; fixed per round when it opens).
    /// @param insuranceFund Where `withdrawInsurance` sends the insurance side (non-zero).
    struct ClaimParams {
        uint64 claimWindow;
        uint16 insuranceShareBps;
        address insuranceFund;
    }

    /// @notice No claim with these terms is booked against `member` under `nullifier`.
    error RestitutionUnknownClaim(address member, uint256 nullifier);
    /// @notice The claim was already paid.
    error RestitutionClaimPaid(address member, uint256 nullifier);
    /// @notice The claim was vetoed.
    error RestitutionClaimVetoed(address member, uint256 nullifier);
    /// @notice `payoutAddress` and `payoutSalt` do not open the claim's payout hash (or it has none).
    error RestitutionWrongPayout(address member, uint256 nullifier, address payoutAddress);
    /// @notice The claim's round is still open: payment waits until `closesAt`.
    error RestitutionRoundOpen(address member, address token, uint32 round, uint64 closesAt);
    /// @notice The claim's round is closed: vetoes are over.
    error RestitutionRoundClosed(address member, address token, uint32 round, uint64 closesAt);
    /// @notice The round cannot settle yet: `pendingSlashes` of the member's slashes still wait for their funds (the
    /// stake source's clearing, e.g. EigenLayer's slash resolution delay); settle or pay once they have arrived.
    error RestitutionAwaitingSlashedFunds(address member, address token, uint32 round, uint256 pendingSlashes);
    /// @notice No such round of (member, token) exists.
    error RestitutionUnknownRound(address member, address token, uint32 round);
    /// @notice Only governance or a registry auditor may veto.
    error RestitutionNotVetoer(address caller);
    /// @notice Only a claim booked without a payout (payoutHash 0) can be assigned one, and only to a non-zero hash.
    error RestitutionPayoutAlreadySet(address member, uint256 nullifier);
    /// @notice Claim parameters out of range (zero window, share above 5000, zero fund).
    error RestitutionBadClaimParams(uint64 claimWindow, uint16 insuranceShareBps, address insuranceFund);
    /// @notice Nothing of `token` is on the insurance side.
    error RestitutionNoInsurance(address token);
    /// @notice An ETH transfer failed.
    error RestitutionEthTransferFailed(address to, uint256 amount);
    /// @notice ETH sent by anyone but the vault or the ledger.
    error RestitutionUnexpectedEth(address from);

    /// @notice Emitted when a claim arrived for a closed round that still waits for slashed funds: the claim joined
    /// it and the round takes claims and vetoes again until `closesAt`.
    event RoundReopened(address indexed member, address indexed token, uint32 round, uint64 closesAt);
    /// @notice Emitted when a claim booked less than `VETO_GRACE` before its round's close pushed the close to
    /// `VETO_GRACE` after the booking (so the claim can still be vetoed).
    event RoundExtended(address indexed member, address indexed token, uint32 round, uint64 closesAt);
    /// @notice Emitted when a claim round of (member, token) was settled.
    /// @param member The member.
    /// @param token The token.
    /// @param round The round.
    /// @param pool The member's pool at settlement.
    /// @param insurance Taken to the insurance side.
    /// @param booked The round's claims (not vetoed).
    /// @param reserved Reserved for them (`payable`: pro rata when below `booked`).
    event RoundSettled(
        address indexed member,
        address indexed token,
        uint32 indexed round,
        uint256 pool,
        uint256 insurance,
        uint256 booked,
        uint256 reserved
    );
    /// @notice Emitted when a claim was paid.
    /// @param member The member whose pool paid.
    /// @param nullifier The record's nullifier.
    /// @param payoutAddress Who was paid (the opening of the claim's payout hash).
    /// @param token The token paid in.
    /// @param amount The claim's pro-rata share of its round.
    event ClaimPaid(
        address indexed member,
        uint256 indexed nullifier,
        address indexed payoutAddress,
        address token,
        uint256 amount
    );
    /// @notice Emitted when governance or an auditor vetoed a claim during its round.
    event ClaimVetoed(address indexed member, uint256 indexed nullifier, address indexed by, string reason);
    /// @notice Emitted when governance assigned a payout to a claim booked without one.
    event PayoutAssigned(address indexed member, uint256 indexed nullifier, uint256 payoutHash, string reason);
    /// @notice Emitted when governance set the claim parameters.
    event ClaimParamsSet(uint64 claimWindow, uint16 insuranceShareBps, address insuranceFund);
    /// @notice Emitted when the insurance side of a token was sent to the insurance fund.
    event InsuranceWithdrawn(address indexed token, address indexed fund, uint256 amount);

    /// @notice Pays claim (`member`, `nullifier`) its share of its settled round (anyone may call; the money goes only
    /// to `payoutAddress`, which with `payoutSalt` must open the claim's payout hash). Settles the round first when
    /// it is closed and not yet settled.
    /// @dev Reverts RestitutionUnknownClaim (terms other than booked), RestitutionClaimPaid, RestitutionClaimVetoed,
    /// RestitutionWrongPayout, RestitutionRoundOpen (before the round's `closesAt`).
    /// @param member The accused member.
    /// @param nullifier The record's nullifier.
    /// @param terms The claim's terms, from its `FraudProven` event (and `PayoutAssigned`).
    /// @param payoutAddress The payout address of the record.
    /// @param payoutSalt The payout salt of the record.
    function payClaim(
        address member,
        uint256 nullifier,
        ClaimTerms calldata terms,
        address payoutAddress,
        uint256 payoutSalt
    ) external;

    /// @notice Settles round `round` of (`member`, `token`) once it is closed (anyone; idempotent: a settled round
    /// is left as it is).
    /// @dev Reverts RestitutionUnknownRound, RestitutionRoundOpen.
    function settleRound(address member, address token, uint32 round) external;

    /// @notice Vetoes a claim while its round is open (governance or a registry AUDITOR_ROLE holder): it is removed
    /// from its round and never paid.
    /// @param reason Why, for the record (event only).
    function vetoClaim(address member, uint256 nullifier, ClaimTerms calldata terms, string calldata reason) external;

    /// @notice Governance: gives a claim booked without a payout (payoutHash 0) the payout hash of the user it
    /// identified (once: the claim's terms then carry `payoutHash`).
    /// @param reason Why, for the record (event only: for example the identity check's reference).
    function assignPayout(
        address member,
        uint256 nullifier,
        ClaimTerms calldata terms,
        uint256 payoutHash,
        string calldata reason
    ) external;

    /// @notice Sends the insurance side of `token` to the insurance fund (anyone; the fund is governance's).
    function withdrawInsurance(address token) external;

    /// @notice Governance: sets the claim parameters.
    function setClaimParams(ClaimParams calldata params) external;

    /// @notice The claim parameters.
    function claimParams() external view returns (ClaimParams memory);

    /// @notice The claim slot of (`member`, `nullifier`): `claimDigestOf(terms) | flags` (1 booked, 2 paid, 4 vetoed),
    /// zero when none was booked.
    function claimWordOf(address member, uint256 nullifier) external view returns (uint256);

    /// @notice True once a fraud proof of `nullifier` against `member` was accepted (nobody else's proofs touch it).
    function isNullifierSpent(address member, uint256 nullifier) external view returns (bool);

    /// @notice `keccak256(abi.encode(asset, claim, round, payoutHash))` with the low three bits cleared.
    function claimDigestOf(ClaimTerms calldata terms) external pure returns (uint256);

    /// @notice `uint256(keccak256(abi.encode(keccak256("por.payout.v1"), payoutAddress, payoutSalt))) >> 8`.
    function payoutHashOf(address payoutAddress, uint256 payoutSalt) external pure returns (uint256);

    /// @notice The current (latest) round of (`member`, `token`), or `round` when given a past one (0: the current).
    function roundOf(address member, address token, uint32 round) external view returns (RoundInfo memory);

    /// @notice What a settled claim is paid: `claim * payable / booked` of its round (0 before settlement).
    function claimPayment(address member, ClaimTerms calldata terms) external view returns (uint256);

    /// @notice This contract's books of `token`.
    function claimTotalsOf(address token) external view returns (ClaimTotals memory);
}
