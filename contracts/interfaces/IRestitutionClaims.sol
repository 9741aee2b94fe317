// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IRestitutionClaims
/// @notice The restitution claims booked by accepted fraud proofs, one per proven record (keyed by the record's
/// nullifier, so a booked nullifier is spent), paid from the accused member's restitution pool in the vault (what the
/// member was slashed, less bounties). A claim is paid in its asset's token as far as that pool holds the token;
/// partial payments are allowed and the remainder stays payable (a later slash of the member refills its pool). No
/// claim is ever paid more than its amount, nothing is paid beyond the member's pool, and one member's slashed
/// collateral never pays claims against another.
/// @dev A claim is stored in ONE slot (booking is on the fraud proof's path): the asset, the amount still owed and a
/// tag of (member, recipient), `claimTagOf(member, recipient)`. Member, snapshot, booked amount and recipient are in
/// the adjudicator's `FraudProven` event; `payClaim` names the member and the recipient, which must match the tag
/// (other names would need a 127-bit second preimage of keccak256).
interface IRestitutionClaims {
    /// @notice A claim as stored.
    /// @param booked Whether a claim was booked under the nullifier (a booked nullifier is spent).
    /// @param asset The asset id (registry asset list); the claim is paid in its token.
    /// @param token The asset's token (address(0) = ETH).
    /// @param remaining The amount still owed, in base units (the booked amount is in `FraudProven`).
    /// @param tag `claimTagOf(member, recipient)`.
    struct Claim {
        bool booked;
        uint32 asset;
        address token;
        uint256 remaining;
        bytes16 tag;
    }

    /// @notice No claim with this nullifier is booked.
    error RestitutionUnknownClaim(uint256 nullifier);
    /// @notice `payClaim` named another member or recipient than the ones booked.
    error RestitutionWrongClaimant(uint256 nullifier, address member, address recipient);
    /// @notice The claim is fully paid.
    error RestitutionClaimSettled(uint256 nullifier);
    /// @notice The member's restitution pool holds nothing of the claim's token.
    error RestitutionPoolEmpty(address member, address token);

    /// @notice Emitted when (part of) a claim was paid.
    /// @param nullifier The record's nullifier.
    /// @param member The member whose pool paid.
    /// @param recipient Who was paid.
    /// @param token The token paid in.
    /// @param amount Amount paid now.
    /// @param remaining Amount still owed afterwards.
    event ClaimPaid(
        uint256 indexed nullifier,
        address indexed member,
        address indexed recipient,
        address token,
        uint256 amount,
        uint256 remaining
    );

    /// @notice Pay what `member`'s pool can of claim `nullifier` to its recipient (anyone may call; the money only ever
    /// goes to the booked recipient, from the booked member's pool; the caller names both: see `FraudProven`).
    /// @dev Reverts RestitutionUnknownClaim, RestitutionWrongClaimant, RestitutionClaimSettled, RestitutionPoolEmpty.
    function payClaim(uint256 nullifier, address member, address recipient) external;

    /// @notice The claim booked under `nullifier` (all zero, `booked` false, if none).
    function claimOf(uint256 nullifier) external view returns (Claim memory);

    /// @notice True once a fraud proof with this nullifier was accepted (its claim is booked: the one registry of
    /// spent nullifiers).
    function isNullifierSpent(uint256 nullifier) external view returns (bool);

    /// @notice The tag a claim keeps of its member and recipient: the top 128 bits of
    /// `keccak256(abi.encode(member, recipient))`, lowest bit forced to 1 (so a stored tag is never zero).
    function claimTagOf(address member, address recipient) external pure returns (bytes16);
}
