// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICommitmentLedger} from "./ICommitmentLedger.sol";
import {IRestitutionClaims} from "./IRestitutionClaims.sol";

/// @title IAdjudicator
/// @notice Turns proven misbehaviour into slashing (A10, D1): a Groth16 fraud proof against a committed root, a
/// missed proof-request deadline, and a quorum verdict of insolvency. Each slashes the member's collateral by a
/// governance share, pays the bounty through the vault, and updates reputation; a fraud proof also books the
/// affected record's balance as a restitution claim keyed by its nullifier (`IRestitutionClaims`), paid from the
/// vault's restitution pool. A second proof, `proveRootSumMismatch`, convicts a committed root sum that is not the
/// sum inside its root hash (or a malformed top node); it books no claim.
interface IAdjudicator is IRestitutionClaims {
    /// @notice A fraud proof: the semantic public inputs of the `LeafMismatch` circuit plus the Groth16 proof.
    /// @param rootHash The committed root hash the proof walks to.
    /// @param keyHash `Poseidon(KEY_DOMAIN, Ax, Ay)` of the record key that signed the record.
    /// @param member The member accused: `keyHash` must be registered to it and valid at `t` (the circuit keeps the
    /// member private; a key hash belongs to one member, so the key names it).
    /// @param asset The record's asset id.
    /// @param t The record's snapshot time.
    /// @param claim The restitution the circuit computed (signed balance minus the leaf's honest sum, or the whole
    /// balance), booked as the claim.
    /// @param nullifier `Poseidon(NULLIFIER_DOMAIN, m)` of the record; spent once per member.
    /// @param payoutHash The record's signed payout commitment (0: none registered): the claim is paid only to its
    /// opening, whoever proves the record.
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
        uint256 payoutHash;
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
    }

    /// @notice A Groth16 proof (points in the verifier's calldata order).
    struct Groth16Proof {
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

    /// @notice The given commitment set has no commitment for the asset (a root-sum proof needs a committed root).
    error AdjudicatorUnknownCommitment(address member, uint32 asset, uint64 t);
    /// @notice The proof's root hash is not the one the given set holds for its asset.
    error AdjudicatorRootMismatch(uint256 committed, uint256 proven);
    /// @notice `keyHash` is not a record key of `member` valid at `t`.
    error AdjudicatorKeyNotValid(address member, uint256 keyHash, uint64 t);
    /// @notice The nullifier was already spent by an accepted fraud proof against this member.
    error AdjudicatorNullifierSpent(address member, uint256 nullifier);
    /// @notice The root sum of (member, asset, t) was already proven mismatched.
    error AdjudicatorRootSumAlreadyProven(address member, uint32 asset, uint64 t);
    /// @notice The Groth16 proof does not verify for these public inputs.
    error AdjudicatorInvalidProof();
    /// @notice A root-sum mismatch was claimed against a private set (which commits no root sum).
    error AdjudicatorPrivateSet(address member, uint64 t);
    /// @notice Only the commitment ledger may call.
    error AdjudicatorNotLedger(address caller);
    /// @notice Only the attestations contract may call.
    error AdjudicatorNotAttestations(address caller);
    /// @notice The attestations contract is set once.
    error AdjudicatorAttestationsAlreadySet();
    /// @notice Only the transfers contract reports transfer defaults.
    error AdjudicatorNotTransfers(address caller);
    /// @notice The transfers contract is set already (it is wired once).
    error AdjudicatorTransfersAlreadySet();
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
    /// @param payoutHash The record's payout commitment the claim is paid to (0: none; governance may assign one).
    /// @param round The claim round of (member, asset token) the claim joined.
    /// @param prover Who submitted the proof (bounty recipient).
    /// @param weightSlashed The collateral weight slashed.
    event FraudProven(
        address indexed member,
        uint256 indexed nullifier,
        uint32 indexed asset,
        uint64 t,
        uint96 claim,
        uint256 payoutHash,
        uint32 round,
        address prover,
        uint256 weightSlashed
    );
    /// @notice Emitted when a committed root sum was proven not to be the sum inside its root hash.
    /// @param member The member whose commitment was proven fraudulent.
    /// @param asset The asset.
    /// @param t The snapshot time.
    /// @param rootHash The committed root hash.
    /// @param rootSum The committed root sum.
    /// @param prover Who submitted the proof (bounty recipient).
    /// @param weightSlashed The collateral weight slashed.
    event RootSumMismatchProven(
        address indexed member,
        uint32 indexed asset,
        uint64 indexed t,
        uint256 rootHash,
        uint128 rootSum,
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
    /// @notice Emitted when a missed interim attestation is punished.
    /// @notice A transfer notice's sender was slashed for a default, into its restitution pool (the transfers contract
    /// pays the recipient from it after the unbonding delay).
    event TransferDefaultSlashed(
        address indexed sender,
        bytes32 indexed noticeId,
        address indexed recipient,
        uint256 weightOwed,
        uint256 weightSlashed
    );
    /// @notice The transfers contract allowed to call `slashTransferDefault`.
    event TransfersSet(address transfers);
    event MissedInterimSlashed(
        address indexed member,
        bytes32 indexed interimId,
        address indexed submitter,
        uint256 weightSlashed
    );
    /// @notice Emitted when governance wires the attestations contract.
    event AttestationsSet(address attestations);
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

    /// @notice Submits a fraud proof (anyone). Requires `keyHash` to be `member`'s record key valid at `t`
    /// (`registry.isKeyValidAt`), takes the committed root of `asset` from `set` (a set without an entry for a listed
    /// asset counts as the empty tree's root, `EMPTY_ROOT`), books the claim under (member, nullifier) into the
    /// member's current claim round of the asset's token (a spent one reverts), verifies the Groth16 proof, then
    /// marks the set fraudulent in one ledger call that checks `set` against the committed digest (else the whole
    /// call reverts) and slashes `fraudBps` (bounty to the caller; the restitution share stays in the vault's pool;
    /// the vault counts the slash for reputation). The claim is the record's payout's, whoever proves it.
    /// @param proof The fraud proof.
    /// @param set The member's whole commitment set at `t`, exactly as committed (from its `RootCommitted` events, in
    /// asset order): the ledger stores only the set's digest.
    function proveFraud(FraudProof calldata proof, ICommitmentLedger.AssetCommitment[] calldata set) external;

    /// @notice Proves that the root sum committed for `asset` in (`member`, `t`) is not the sum inside its root hash
    /// (or that the root's top node is malformed), with a `RootSumMismatch` proof over `[rootHash, rootSum]` (anyone,
    /// once per (member, asset, t)). Marks the set fraudulent (`set` must be the committed set), slashes `fraudBps`
    /// with the bounty to the caller, books no claim.
    /// @param member The member.
    /// @param t The snapshot time.
    /// @param asset The asset whose committed root sum is contradicted.
    /// @param set The member's whole commitment set at `t`, as committed.
    /// @param proof The Groth16 proof.
    function proveRootSumMismatch(
        address member,
        uint64 t,
        uint32 asset,
        ICommitmentLedger.AssetCommitment[] calldata set,
        Groth16Proof calldata proof
    ) external;

    /// @notice Punishes an open request whose deadline passed (anyone). The bounty goes to the caller unless it is
    /// the requester (then all of the slash stays in the member's pool); the request fee goes to the insurance side.
    /// @param requestId The request.
    function reportMissedDeadline(uint256 requestId) external;

    /// @notice Ledger only: punishes a quorum verdict of insolvency.
    /// @param member The insolvent member.
    /// @param t The snapshot time.
    /// @param subject The attestation subject.
    /// @param submitter Who posted the verdict (bounty recipient).
    function slashInsolvency(address member, uint64 t, bytes32 subject, address submitter) external;

    /// @notice Slashes `bps` of a member whose interim attestation the operators' quorum found missed (only the
    /// attestations contract, which takes `bps` from its governance parameters); the bounty goes to `submitter`.
    /// @return weightSlashed The stake weight the slash took.
    function slashMissedInterim(
        address member,
        bytes32 interimId,
        uint16 bps,
        address submitter
    ) external returns (uint256 weightSlashed);

    /// @notice Transfers only: slashes `sender` at least `weightOwed` of stake weight (all of it when it has less),
    /// no bounty, into the sender's restitution pool, where it stays until the transfers contract pays the recipient
    /// member after the unbonding delay (`releaseTransferPayout`): never to the reporter or back to the sender.
    /// @return weightSlashed The stake weight slashed.
    function slashTransferDefault(
        address sender,
        bytes32 noticeId,
        uint256 weightOwed,
        address recipient
    ) external returns (uint256 weightSlashed);

    /// @notice Transfers only: pays `weight` of stake weight from `sender`'s restitution pool to `to` (a defaulted
    /// notice's recipient), the same share of each token the pool holds (`IStakeSource.poolTokens`, at its weights),
    /// after the claims against `sender`: a claim round with claims booked, in any pool token, is settled first when
    /// it has closed (its claims reserve their share of the pool), and the call reverts `RestitutionRoundOpen` while
    /// one is open.
    /// @return weightPaid What was paid: `weight`, or all the pool holds when it holds less (each token's amount
    /// rounds down).
    function releaseTransferPayout(address sender, address to, uint256 weight) external returns (uint256 weightPaid);

    /// @notice Governance, once: the transfers contract allowed to call `slashTransferDefault`.
    function setTransfers(address transfers_) external;

    /// @notice The wired transfers contract (zero until set).
    function transfers() external view returns (address);

    /// @notice Governance, once: the attestations contract allowed to call `slashMissedInterim`.
    function setAttestations(address attestations) external;

    /// @notice The attestations contract (zero until set).
    function attestations() external view returns (address);

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
