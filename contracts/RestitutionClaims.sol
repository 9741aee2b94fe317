// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IRestitutionClaims} from "./interfaces/IRestitutionClaims.sol";
import {Constants} from "./libraries/Constants.sol";
import {PackedClaim, PackedClaimLibrary} from "./libraries/PackedClaim.sol";

/// @title RestitutionClaims
/// @notice The claim book of restitution: one claim per (member, nullifier), booked into the member's current claim
/// round of the claim's token, paid pro rata after the round closes from what the member's pool held at settlement,
/// less the insurance share. The inheriting contract reaches the pools and governance through the hooks below.
/// @dev Abstract so the adjudicator books a claim in its own storage on the fraud proof's path (no call; one fresh
/// slot for the claim, one warm-able slot for the round). Payments take `claim * payableLeft / bookedLeft` of the
/// round's settlement and subtract both, so a round pays out exactly what it reserved (the last claim paid takes
/// the rounding remainder, never more than its claim) and nothing stays stuck.
abstract contract RestitutionClaims is IRestitutionClaims, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice keccak256("por.payout.v1"), the first word of a payout commitment's preimage.
    bytes32 public constant PAYOUT_DOMAIN = keccak256("por.payout.v1");

    /// @notice The largest insurance share governance may set (the rest of what a round takes is its claims').
    uint16 public constant MAX_INSURANCE_SHARE_BPS = 5_000;
    /// @notice Every claim stays vetoable for at least this long after it is booked: a claim booked closer than this
    /// to its round's close pushes the close to this after the booking (`RoundExtended`). Auditors veto at once;
    /// governance's vetoes are timelock operations and need the claim window.
    uint64 public constant VETO_GRACE = 1 days;

    /// @dev The current round of one member and token, in one slot (booking rewrites it). `insuranceBps` is the
    /// insurance share when the round opened: a later parameter change never applies to an open round. `extension`
    /// is how far reopenings moved `closesAt` from the round's first close, which is what the round waits for: the
    /// slashes ordered by its first close (slashes ordered after it belong to later rounds, reopened or not).
    struct Round {
        uint32 round;
        uint40 closesAt;
        uint128 booked;
        bool settled;
        uint16 insuranceBps;
        uint32 extension;
    }

    /// @dev What a settled round still owes: its unpaid claims and what is reserved for them.
    struct Settlement {
        uint128 booked;
        uint128 reserved;
    }

    /// @dev This contract's books of one token.
    struct Totals {
        uint128 insurance;
        uint128 reserved;
    }

    mapping(address member => mapping(uint256 nullifier => PackedClaim claim)) private _claims;
    mapping(address member => mapping(address token => Round round)) private _rounds;
    mapping(address member => mapping(address token => mapping(uint32 round => Settlement settlement)))
        private _settlements;
    mapping(address token => Totals totals) private _claimTotals;
    ClaimParams private _claimParams;

    /// @inheritdoc IRestitutionClaims
    function payClaim(
        address member,
        uint256 nullifier,
        ClaimTerms calldata terms,
        address payoutAddress,
        uint256 payoutSalt
    ) external nonReentrant {
        PackedClaim word = _claimWord(member, nullifier, terms);
        if (terms.payoutHash == 0 || payoutHashOf(payoutAddress, payoutSalt) != terms.payoutHash) {
            revert RestitutionWrongPayout(member, nullifier, payoutAddress);
        }
        address token = _claimToken(terms.asset);
        _settleIfClosed(member, token, terms.round);
        Settlement storage settlement = _settlements[member][token][terms.round];
        uint256 booked = settlement.booked;
        uint256 reserved = settlement.reserved;
        // claim <= booked (the round's unpaid claims include it) and reserved <= booked, so amount <= claim.
        uint256 amount = terms.claim == 0 ? 0 : (uint256(terms.claim) * reserved) / booked;
        _claims[member][nullifier] = word.withPaid();
        settlement.booked = uint128(booked - terms.claim);
        settlement.reserved = uint128(reserved - amount);
        _claimTotals[token].reserved -= uint128(amount);
        emit ClaimPaid(member, nullifier, payoutAddress, token, amount);
        if (amount != 0) _send(token, payoutAddress, amount);
    }

    /// @inheritdoc IRestitutionClaims
    function settleRound(address member, address token, uint32 round) external nonReentrant {
        Round memory current = _rounds[member][token];
        if (round == 0 || round > current.round) revert RestitutionUnknownRound(member, token, round);
        _settleIfClosed(member, token, round);
    }

    /// @inheritdoc IRestitutionClaims
    function vetoClaim(
        address member,
        uint256 nullifier,
        ClaimTerms calldata terms,
        string calldata reason
    ) external nonReentrant {
        if (!_isVetoer(msg.sender)) revert RestitutionNotVetoer(msg.sender);
        PackedClaim word = _claimWord(member, nullifier, terms);
        address token = _claimToken(terms.asset);
        Round storage current = _rounds[member][token];
        if (current.round != terms.round || block.timestamp >= current.closesAt) {
            revert RestitutionRoundClosed(
                member,
                token,
                terms.round,
                current.round == terms.round ? current.closesAt : 0
            );
        }
        current.booked -= terms.claim;
        _claims[member][nullifier] = word.withVetoed();
        emit ClaimVetoed(member, nullifier, msg.sender, reason);
    }

    /// @inheritdoc IRestitutionClaims
    function assignPayout(
        address member,
        uint256 nullifier,
        ClaimTerms calldata terms,
        uint256 payoutHash,
        string calldata reason
    ) external nonReentrant {
        _checkGovernance();
        _claimWord(member, nullifier, terms);
        if (terms.payoutHash != 0 || payoutHash == 0) revert RestitutionPayoutAlreadySet(member, nullifier);
        _claims[member][nullifier] = PackedClaimLibrary.booked(
            PackedClaimLibrary.digestOf(terms.asset, terms.claim, terms.round, payoutHash)
        );
        emit PayoutAssigned(member, nullifier, payoutHash, reason);
    }

    /// @inheritdoc IRestitutionClaims
    function withdrawInsurance(address token) external nonReentrant {
        uint256 amount = _claimTotals[token].insurance;
        if (amount == 0) revert RestitutionNoInsurance(token);
        address fund = _claimParams.insuranceFund;
        _claimTotals[token].insurance = 0;
        emit InsuranceWithdrawn(token, fund, amount);
        _send(token, fund, amount);
    }

    /// @inheritdoc IRestitutionClaims
    function setClaimParams(ClaimParams calldata params) external {
        _checkGovernance();
        _setClaimParams(params);
    }

    /// @inheritdoc IRestitutionClaims
    function claimParams() external view returns (ClaimParams memory) {
        return _claimParams;
    }

    /// @inheritdoc IRestitutionClaims
    function claimWordOf(address member, uint256 nullifier) external view returns (uint256) {
        return PackedClaim.unwrap(_claims[member][nullifier]);
    }

    /// @inheritdoc IRestitutionClaims
    function isNullifierSpent(address member, uint256 nullifier) external view returns (bool) {
        return !_claims[member][nullifier].isEmpty();
    }

    /// @inheritdoc IRestitutionClaims
    function claimDigestOf(ClaimTerms calldata terms) external pure returns (uint256) {
        return PackedClaimLibrary.digestOf(terms.asset, terms.claim, terms.round, terms.payoutHash);
    }

    /// @inheritdoc IRestitutionClaims
    function payoutHashOf(address payoutAddress, uint256 payoutSalt) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(PAYOUT_DOMAIN, payoutAddress, payoutSalt))) >> 8;
    }

    /// @inheritdoc IRestitutionClaims
    function roundOf(address member, address token, uint32 round) external view returns (RoundInfo memory info) {
        Round memory current = _rounds[member][token];
        if (round == 0) round = current.round;
        if (round == 0 || round > current.round) return info;
        Settlement memory settlement = _settlements[member][token][round];
        if (round == current.round && !current.settled) {
            return RoundInfo(round, current.closesAt, current.booked, false, 0);
        }
        return
            RoundInfo(
                round,
                round == current.round ? current.closesAt : 0,
                settlement.booked,
                true,
                settlement.reserved
            );
    }

    /// @inheritdoc IRestitutionClaims
    function claimPayment(address member, ClaimTerms calldata terms) external view returns (uint256) {
        address token = _claimToken(terms.asset);
        Round memory current = _rounds[member][token];
        if (terms.claim == 0 || (terms.round == current.round && !current.settled)) return 0;
        Settlement memory settlement = _settlements[member][token][terms.round];
        if (settlement.booked < terms.claim) return 0;
        return (uint256(terms.claim) * settlement.reserved) / settlement.booked;
    }

    /// @inheritdoc IRestitutionClaims
    function claimTotalsOf(address token) external view returns (ClaimTotals memory) {
        Totals memory totals = _claimTotals[token];
        return ClaimTotals(totals.insurance, totals.reserved);
    }

    /// @dev Books `claim` of `asset` (paid in `token`) against `member` under `nullifier` into the member's current
    /// round of `token`, opening the next round when none is open (and settling the closed one first). Returns
    /// (false, 0), with nothing written, when the nullifier already has a claim against `member`.
    function _bookClaim(
        address member,
        uint256 nullifier,
        address token,
        uint32 asset,
        uint96 claim,
        uint256 payoutHash
    ) internal returns (bool, uint32) {
        if (!_claims[member][nullifier].isEmpty()) return (false, 0);
        Round memory current = _rounds[member][token];
        if (current.round == 0 || block.timestamp >= current.closesAt) {
            uint256 window = _claimParams.claimWindow;
            uint256 unbonding = _unbondingDelay();
            if (unbonding > window) window = unbonding;
            // Reverts (overflow) only for a window beyond year 36812.
            uint40 closesAt = SafeCast.toUint40(block.timestamp + window);
            if (current.round != 0 && !current.settled && _beforeSettle(member, _firstClose(current)) != 0) {
                // The closed round still waits for funds of slashes ordered while it was open: rather than settle it
                // without them (a fraud proof never waits), the claim joins it and it reopens for a window, vetoes
                // included. It still waits only for the slashes ordered by its first close, so a chain of reopening
                // proofs (whose own slashes come after it) cannot hold it beyond those slashes' arrival.
                current.extension = SafeCast.toUint32(current.extension + (closesAt - current.closesAt));
                current.closesAt = closesAt;
                emit RoundReopened(member, token, current.round, closesAt);
            } else {
                if (current.round != 0 && !current.settled) _settle(member, token, current);
                current = Round(current.round + 1, closesAt, 0, false, _claimParams.insuranceShareBps, 0);
            }
        }
        if (current.closesAt < block.timestamp + VETO_GRACE) {
            // A claim booked in a round's last moments would otherwise be past every veto when the round settles.
            uint40 pushed = SafeCast.toUint40(block.timestamp + VETO_GRACE);
            current.extension = SafeCast.toUint32(current.extension + (pushed - current.closesAt));
            current.closesAt = pushed;
            emit RoundExtended(member, token, current.round, pushed);
        }
        current.booked += claim;
        _rounds[member][token] = current;
        _claims[member][nullifier] = PackedClaimLibrary.booked(
            PackedClaimLibrary.digestOf(asset, claim, current.round, payoutHash)
        );
        return (true, current.round);
    }

    /// @dev Adds `amount` of `token` (already received) to the insurance side.
    function _creditInsurance(address token, uint256 amount) internal {
        _claimTotals[token].insurance += uint128(amount);
    }

    function _setClaimParams(ClaimParams memory params) internal {
        if (
            params.claimWindow == 0 ||
            params.insuranceShareBps > MAX_INSURANCE_SHARE_BPS ||
            params.insuranceFund == address(0)
        ) {
            revert RestitutionBadClaimParams(params.claimWindow, params.insuranceShareBps, params.insuranceFund);
        }
        _claimParams = params;
        emit ClaimParamsSet(params.claimWindow, params.insuranceShareBps, params.insuranceFund);
    }

    /// @dev The token claims in `asset` are paid in.
    function _claimToken(uint32 asset) internal view virtual returns (address);

    /// @dev What `member`'s pool holds of `token`.
    function _poolHolding(address member, address token) internal view virtual returns (uint256);

    /// @dev Called before a round of `member` that closes(d) at `closesAt` reads its pool (a stake source that delivers
    /// slashed funds later moves what arrived into the pool); returns how many of the member's slashes ordered by
    /// `closesAt` still wait for their funds; must not revert for funds not yet delivered.
    function _beforeSettle(address member, uint64 closesAt) internal virtual returns (uint256 pending);

    /// @dev Moves `amount` (at most `_poolHolding(member, token)`) of `token` from `member`'s pool to this contract.
    function _takeFromPool(address member, address token, uint256 amount) internal virtual;

    /// @dev The shortest claim round (the registry's unbonding delay).
    function _unbondingDelay() internal view virtual returns (uint64);

    /// @dev Whether `account` may veto claims.
    function _isVetoer(address account) internal view virtual returns (bool);

    /// @dev Reverts unless the caller is governance.
    function _checkGovernance() internal view virtual;

    /// @dev The claim word of (member, nullifier) after checking `terms` are its booked terms and it is neither paid
    /// nor vetoed.
    function _claimWord(
        address member,
        uint256 nullifier,
        ClaimTerms calldata terms
    ) private view returns (PackedClaim word) {
        word = _claims[member][nullifier];
        if (
            word.digest() != PackedClaimLibrary.digestOf(terms.asset, terms.claim, terms.round, terms.payoutHash) ||
            word.isEmpty()
        ) {
            revert RestitutionUnknownClaim(member, nullifier);
        }
        if (word.isPaid()) revert RestitutionClaimPaid(member, nullifier);
        if (word.isVetoed()) revert RestitutionClaimVetoed(member, nullifier);
    }

    /// @dev Settles `round` of (member, token) when it is the current round, closed and not settled yet; reverts
    /// RestitutionRoundOpen while it is open. A past round was settled when its successor opened.
    function _settleIfClosed(address member, address token, uint32 round) private {
        Round memory current = _rounds[member][token];
        if (round != current.round || current.settled) return;
        if (block.timestamp < current.closesAt) {
            revert RestitutionRoundOpen(member, token, round, current.closesAt);
        }
        uint256 pending = _beforeSettle(member, _firstClose(current));
        if (pending != 0) revert RestitutionAwaitingSlashedFunds(member, token, round, pending);
        _settle(member, token, current);
        _rounds[member][token].settled = true;
    }

    /// @dev Users' claims come first: settles `member`'s current round of `token` when it has claims booked and has
    /// closed (so they reserve their share of the pool before anything else takes from it); reverts
    /// RestitutionRoundOpen while such a round is open.
    function _claimsFirst(address member, address token) internal {
        Round memory current = _rounds[member][token];
        if (current.booked != 0 && !current.settled) _settleIfClosed(member, token, current.round);
    }

    /// @dev The round's first close: what it waits for slashes ordered by.
    function _firstClose(Round memory round) private pure returns (uint64) {
        return round.closesAt - round.extension;
    }

    /// @dev Reserves `min(booked, pool * (1 - share))` for the round's claims and takes the insurance share of what the
    /// round takes (`reserved * share / (1 - share)`, so insurance is `share` of it), both moved from the pool to this
    /// contract; what the round does not need stays in the pool for later rounds (a round with nothing booked takes
    /// nothing). `share` is the round's own, fixed when it opened (at most MAX_INSURANCE_SHARE_BPS).
    function _settle(address member, address token, Round memory round) private {
        uint256 pool = _poolHolding(member, token);
        uint256 share = round.insuranceBps;
        uint256 reserved = (pool * (Constants.BPS - share)) / Constants.BPS;
        if (reserved > round.booked) reserved = round.booked;
        uint256 insurance = (reserved * share) / (Constants.BPS - share);
        if (insurance > pool - reserved) insurance = pool - reserved;
        // Pools and bookings are below 2^128.
        _settlements[member][token][round.round] = Settlement(round.booked, uint128(reserved));
        Totals storage totals = _claimTotals[token];
        totals.insurance += uint128(insurance);
        totals.reserved += uint128(reserved);
        emit RoundSettled(member, token, round.round, pool, insurance, round.booked, reserved);
        if (insurance + reserved != 0) _takeFromPool(member, token, insurance + reserved);
    }

    function _send(address token, address to, uint256 amount) private {
        if (token == address(0)) {
            (bool ok, ) = to.call{value: amount}("");
            if (!ok) revert RestitutionEthTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}
