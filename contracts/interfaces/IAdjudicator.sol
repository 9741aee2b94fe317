// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICommitmentLedger} from "./ICommitmentLedger.sol";
import {IRestitutionClaims} from "./IRestitutionClaims.sol";

/// @title IAdjudicator
/// @notice Turns proven misbehaviour into slashing (A10, D1): a Groth16 fraud proof against a committed root, a
/// missed proof-request deadline, and a quorum verdict of insolvency. Each slashes the member's collateral by a
/// governance share, pays the bounty through the vault, and updates reputation; a fraud proof also books the
/// affected record's balance as a restitution claim keyed by its nullifier (`IRestitutionClaims`), paid from the
/// vault's restitution pool.
interface IAdjudicator is IRestitutionClaims {
    /// @notice A fraud proof: the semantic public inputs of the `LeafMismatch` circuit plus the Groth16 proof.
    /// @param rootHash The committed root hash the proof walks to.
    /// @param keyHash `Poseidon(KEY_DOMAIN, Ax, Ay)` of the record key that signed the record.
    /// @param member The member accused: `keyHash` must be registered to it and valid at `t` (the circuit keeps the
    /// member private; a key hash belongs to one member, so the key names it).
    /// @param asset The record's asset id.
    /// @param t The record's snapshot time.
    /// @param claim The record's signed balance, booked as restitution.
    /// @param nullifier `Poseidon(NULLIFIER_DOMAIN, m)` of the record; pays once.
    /// @param recipient Who the restitution claim is paid to (bound into the proof).
    /// @param a The proof's A point.
    /// @param b The proof's B point, in the verifier's calldata order (snarkjs `exportSolidityCallData`).
    /// @param c The proof's C point.
    struct FraudProof {
        uint256 rootHash;
        uint256 keyHash;
        address member;
        uint32 asset;
        uint64 t;
        uint96 claim;
        uint256 nullifier;
        address recipient;
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
    }

    /// @notice Slash shares (basis points of the member's collateral) per offence.
    struct SlashParams {
        uint16 fraudBps;
        uint16 missedDeadlineBps;
        uint16 insolvencyBps;
    }

    /// @notice The given commitment set has no commitment for the proof's asset.
    error AdjudicatorUnknownCommitment(address member, uint32 asset, uint64 t);
    /// @notice The proof's root hash is not the one the given set holds for its asset.
    error AdjudicatorRootMismatch(uint256 committed, uint256 proven);
    /// @notice `keyHash` is not a record key of `member` valid at `t`.
    error AdjudicatorKeyNotValid(address member, uint256 keyHash, uint64 t);
    /// @notice The nullifier was already spent by an accepted fraud proof.
    error AdjudicatorNullifierSpent(uint256 nullifier);
    /// @notice The recipient is the zero address.
    error AdjudicatorZeroRecipient();
    /// @notice The Groth16 proof does not verify for these public inputs.
    error AdjudicatorInvalidProof();
    /// @notice Only the commitment ledger may call.
    error AdjudicatorNotLedger(address caller);
    /// @notice A slash share above 10000 basis points.
    error AdjudicatorBadBps(uint16 bps);
    /// @notice A zero address where one is required.
    error AdjudicatorZeroAddress();
    /// @notice The member is not Probation or Active, or was never slashed (only a slashed co-signing member can be
    /// ejected for low collateral).
    error AdjudicatorNotEjectable(address member);
    /// @notice The member's stake weight is not below its SLA minimum.
    error AdjudicatorCollateralSufficient(address member, uint256 stake, uint256 minCollateral);

    /// @notice Emitted when a fraud proof against a committed root is accepted: the record of the booked claim.
    /// @param member The member whose commitment was proven fraudulent.
    /// @param nullifier The spent nullifier (the restitution claim's key).
    /// @param asset The asset whose committed root the proof contradicts.
    /// @param t The snapshot time.
    /// @param claim The restitution booked for the affected account, in base units.
    /// @param recipient Who the claim pays.
    /// @param prover Who submitted the proof (bounty recipient).
    /// @param weightSlashed The collateral weight slashed.
    event FraudProven(
        address indexed member,
        uint256 indexed nullifier,
        uint32 indexed asset,
        uint64 t,
        uint256 claim,
        address recipient,
        address prover,
        uint256 weightSlashed
    );
    /// @notice Emitted when a missed proof-request deadline is punished.
    event MissedDeadlineSlashed(
        address indexed member,
        uint256 indexed requestId,
        address reporter,
        uint256 weightSlashed
    );
    /// @notice Emitted when a quorum verdict of insolvency is punished.
    event InsolvencySlashed(
        address indexed member,
        uint64 indexed t,
        bytes32 indexed subject,
        address submitter,
        uint256 weightSlashed
    );
    /// @notice Emitted when a member below its minimum collateral was ejected.
    /// @param member The ejected member.
    /// @param stake Its stake weight.
    /// @param minCollateral Its SLA minimum.
    /// @param caller Who called `ejectUndercollateralized`.
    event MemberEjectedUndercollateralized(
        address indexed member,
        uint256 stake,
        uint256 minCollateral,
        address indexed caller
    );
    /// @notice Emitted when governance sets the slash shares.
    event SlashParamsSet(uint16 fraudBps, uint16 missedDeadlineBps, uint16 insolvencyBps);

    /// @notice Submits a fraud proof (anyone). Refuses a zero recipient, requires `keyHash` to be `member`'s record
    /// key valid at `t` (`registry.isKeyValidAt`), takes the committed root of `asset` from `set` (which must hold
    /// `rootHash` for it), books the claim under the nullifier (a spent one reverts), verifies the Groth16 proof, then
    /// marks the set fraudulent in one ledger call that checks `set` against the committed digest (else the whole
    /// call reverts) and slashes `fraudBps` (bounty to the caller; the restitution share stays in the vault's pool;
    /// the vault counts the slash for reputation).
    /// @param proof The fraud proof.
    /// @param set The member's whole commitment set at `t`, exactly as committed (from its `RootCommitted` events, in
    /// asset order): the ledger stores only the set's digest.
    function proveFraud(FraudProof calldata proof, ICommitmentLedger.AssetCommitment[] calldata set) external;

    /// @notice Punishes an open request whose deadline passed (anyone; bounty to the caller).
    /// @param requestId The request.
    function reportMissedDeadline(uint256 requestId) external;

    /// @notice Ledger only: punishes a quorum verdict of insolvency.
    /// @param member The insolvent member.
    /// @param t The snapshot time.
    /// @param subject The attestation subject.
    /// @param submitter Who posted the verdict (bounty recipient).
    function slashInsolvency(address member, uint64 t, bytes32 subject, address submitter) external;

    /// @notice Ejects a slashed Probation or Active member whose stake weight is below its SLA minimum (anyone: a slash
    /// that leaves a member short does not eject it in the same transaction; watchtowers call this next). A member
    /// never slashed is not ejectable here (governance raising a minimum or lowering a token weight must not let
    /// anyone eject it), nor is an Exiting one (withdrawing by design).
    /// @param member The member.
    function ejectUndercollateralized(address member) external;

    /// @notice Governance: sets the slash shares.
    function setSlashParams(SlashParams calldata params) external;

    /// @notice The slash shares.
    function slashParams() external view returns (SlashParams memory);
}
