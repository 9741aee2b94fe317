// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRestitutionClaims} from "../interfaces/IRestitutionClaims.sol";

/// @title TestReentrantClaimant
/// @notice For tests: a payout address that, on receiving ETH, calls `payClaim` of its claim again once (a re-entrant
/// attempt to be paid twice). It records how the attempt ended and, when `strict`, refuses the payment if the attempt
/// failed.
contract TestReentrantClaimant {
    /// @notice The claim book to re-enter.
    IRestitutionClaims public claimBook;
    /// @notice The member the claim is against.
    address public member;
    /// @notice The claim to re-enter with.
    uint256 public nullifier;
    /// @notice The claim's payout salt (this contract is the payout address).
    uint256 public salt;
    /// @notice Whether a failed re-entry makes the claimant refuse the payment.
    bool public strict;
    /// @notice Re-entrant calls that succeeded.
    uint256 public reentered;
    /// @notice Re-entrant calls attempted.
    uint256 public attempts;
    /// @notice Revert data of the last failed re-entrant call.
    bytes public lastError;

    IRestitutionClaims.ClaimTerms private _terms;

    /// @notice The re-entry failed and the claimant is strict.
    error TestReentrantClaimantReentryFailed(bytes reason);

    /// @notice Set the claim to re-enter, and whether to refuse the payment on a failed re-entry.
    function arm(
        IRestitutionClaims claimBook_,
        address member_,
        uint256 nullifier_,
        IRestitutionClaims.ClaimTerms calldata terms,
        uint256 salt_,
        bool strict_
    ) external {
        claimBook = claimBook_;
        member = member_;
        nullifier = nullifier_;
        _terms = terms;
        salt = salt_;
        strict = strict_;
    }

    receive() external payable {
        if (address(claimBook) == address(0) || attempts != 0) return;
        attempts += 1;
        try claimBook.payClaim(member, nullifier, _terms, address(this), salt) {
            reentered += 1;
        } catch (bytes memory reason) {
            lastError = reason;
            if (strict) revert TestReentrantClaimantReentryFailed(reason);
        }
    }
}
