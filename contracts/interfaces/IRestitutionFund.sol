// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IRestitutionFund
/// @notice Receives slashed collateral and pays restitution claims booked by the adjudicator, one per proven record
/// (keyed by the record's nullifier). A claim is paid in its asset's token, as far as the fund holds that token;
/// partial payments are allowed and the remainder stays payable. The fund never pays more than a claim's amount,
/// nor more than it holds.
/// @dev Holdings are one pool per token (ETH = address(0)) shared by all claims. Governance may move out only the
/// surplus over the outstanding (booked, unpaid) claims of a token, e.g. to convert slashed ETH into a claim token.
/// A claim is stored in ONE slot (booking is on the fraud proof's path): the asset, the amount still owed and a 128-bit
/// tag of the recipient, `recipientTagOf(recipient)`. Member, booked amount and recipient are in `ClaimBooked`;
/// `payClaim` names the recipient, which must match the tag (a different address would need a 128-bit second preimage
/// of keccak256).
interface IRestitutionFund {
    /// @notice A claim as stored.
    /// @param booked Whether a claim was booked under the nullifier (a booked nullifier is spent).
    /// @param asset The asset id (registry asset list); the claim is paid in its token.
    /// @param token The asset's token (address(0) = ETH).
    /// @param remaining The amount still owed, in base units (the booked amount is in `ClaimBooked`).
    /// @param recipientTag `recipientTagOf(recipient)`.
    struct Claim {
        bool booked;
        uint32 asset;
        address token;
        uint256 remaining;
        bytes16 recipientTag;
    }

    /// @notice A claim with this nullifier is already booked.
    error RestitutionFundClaimExists(uint256 nullifier);
    /// @notice The claim amount does not fit in 96 bits (record balances are below 2^96).
    error RestitutionFundAmountTooLarge(uint256 amount);
    /// @notice No claim with this nullifier is booked.
    error RestitutionFundUnknownClaim(uint256 nullifier);
    /// @notice `payClaim` named another recipient than the one booked.
    error RestitutionFundWrongRecipient(uint256 nullifier, address recipient);
    /// @notice The claim is fully paid.
    error RestitutionFundClaimSettled(uint256 nullifier);
    /// @notice The fund holds nothing (free) of the claim's token.
    error RestitutionFundEmpty(address token);
    /// @notice Governance tried to move more than the surplus.
    error RestitutionFundExceedsSurplus(address token, uint256 amount, uint256 surplus);
    /// @notice An ETH transfer failed.
    error RestitutionFundEthTransferFailed(address to, uint256 amount);
    /// @notice A zero address where an address is needed.
    error RestitutionFundZeroAddress();

    /// @notice Emitted when the adjudicator booked a claim.
    /// @param nullifier The record's nullifier.
    /// @param member The member at fault.
    /// @param asset The asset id.
    /// @param amount Booked amount.
    /// @param recipient Who will be paid.
    event ClaimBooked(
        uint256 indexed nullifier,
        address indexed member,
        uint32 indexed asset,
        uint256 amount,
        address recipient
    );
    /// @notice Emitted when (part of) a claim was paid.
    /// @param nullifier The record's nullifier.
    /// @param recipient Who was paid.
    /// @param token The token paid in.
    /// @param amount Amount paid now.
    /// @param remaining Amount still owed afterwards.
    event ClaimPaid(
        uint256 indexed nullifier,
        address indexed recipient,
        address indexed token,
        uint256 amount,
        uint256 remaining
    );
    /// @notice Emitted when the fund received ETH.
    event EthReceived(address indexed from, uint256 amount);
    /// @notice Emitted when governance moved surplus out of the fund.
    event SurplusWithdrawn(address indexed token, address indexed to, uint256 amount);

    /// @notice Book a restitution claim (ADJUDICATOR_ROLE).
    /// @dev Reverts RestitutionFundClaimExists(nullifier) if already booked; the asset must be listed in the
    /// registry; amount must be below 2^96 (RestitutionFundAmountTooLarge).
    /// @param nullifier The record's nullifier, Poseidon(NULLIFIER_DOMAIN, m).
    /// @param member The member at fault.
    /// @param asset The asset id.
    /// @param amount The record's balance, in the asset's base units.
    /// @param recipient Who is paid (bound into the fraud proof).
    function bookClaim(uint256 nullifier, address member, uint32 asset, uint256 amount, address recipient) external;

    /// @notice Pay what the fund can of claim `nullifier` to its recipient (anyone may call; the money only ever goes
    /// to the booked recipient, which the caller names: see `ClaimBooked`).
    /// @dev Reverts RestitutionFundUnknownClaim, RestitutionFundWrongRecipient, RestitutionFundClaimSettled,
    /// RestitutionFundEmpty.
    function payClaim(uint256 nullifier, address recipient) external;

    /// @notice Move surplus (holdings beyond outstanding claims) of `token` to `to` (governance).
    function withdrawSurplus(address token, address to, uint256 amount) external;

    /// @notice The claim booked under `nullifier` (all zero, `booked` false, if none).
    function claimOf(uint256 nullifier) external view returns (Claim memory);

    /// @notice Whether a claim was booked for `nullifier` (a booked nullifier is spent; one slot read).
    function isBooked(uint256 nullifier) external view returns (bool);

    /// @notice The tag a claim keeps of its recipient: the top 128 bits of `keccak256(abi.encode(recipient))`, lowest
    /// bit forced to 1 (so a stored tag is never zero).
    function recipientTagOf(address recipient) external pure returns (bytes16);

    /// @notice Booked amounts not yet paid, in `token`.
    function outstanding(address token) external view returns (uint256);

    /// @notice Totals in `token`: all booked, all paid.
    function totals(address token) external view returns (uint256 booked, uint256 paid);

    /// @notice The consortium registry (asset list).
    function registry() external view returns (address);
}
