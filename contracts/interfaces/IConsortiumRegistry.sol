// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IConsortiumRegistry
/// @notice Membership registry of the proof-of-reserves consortium: the member lifecycle (A1), record keys with
/// validity intervals, per-member SLA and collateral requirements (A11) and the governance asset list (A13).
/// @dev Lifecycle: None -> Applied (member applies) -> Probation (an auditor approves the genesis) -> Active
/// (collateral >= minimum; governance at any time, anyone once the probation period has elapsed) -> Exiting (member
/// requests; unbonding delay) -> Exited (anyone, after the delay). Ejected is terminal and reachable from Applied,
/// Probation, Active and Exiting by governance or the adjudicator. Roles: DEFAULT_ADMIN_ROLE = governance,
/// AUDITOR_ROLE, ADJUDICATOR_ROLE.
interface IConsortiumRegistry {
    /// @notice The lifecycle state of a member.
    enum MemberStatus {
        None,
        Applied,
        Probation,
        Active,
        Exiting,
        Exited,
        Ejected
    }

    /// @notice Service level and collateral requirement of one member.
    /// @param snapshotInterval Longest time between two committed snapshots, in seconds.
    /// @param responseWindow Time a member has to answer a proof request, in seconds.
    /// @param minCollateral Minimum collateral stake weight (IStakeSource.stakeOf units, 1e18 = one unit of a
    /// token with weight 1e18) needed to become and stay Active.
    struct Sla {
        uint64 snapshotInterval;
        uint64 responseWindow;
        uint256 minCollateral;
    }

    /// @notice One registered record key of a member.
    /// @param keyHash Poseidon(KEY_DOMAIN, Ax, Ay), computed off-chain (docs/protocol.md section 2).
    /// @param ax The key's x coordinate on Baby Jubjub, for display and off-chain checks.
    /// @param ay The key's y coordinate on Baby Jubjub.
    /// @param validFrom First second (inclusive) in which records signed by this key count.
    /// @param validUntil Last second (inclusive) in which records signed by this key count; type(uint64).max while
    /// the key is the member's latest.
    struct RecordKey {
        uint256 keyHash;
        uint256 ax;
        uint256 ay;
        uint64 validFrom;
        uint64 validUntil;
    }

    /// @notice An operator's or auditor's X25519 encryption key (private blobs are encrypted to it, docs/protocol.md
    /// section 17.6).
    /// @param publicKey The raw 32-byte X25519 public key; non-zero.
    /// @param validFrom First second (inclusive) in which it is the operator's key; the next key's validFrom ends it.
    struct EncryptionKey {
        bytes32 publicKey;
        uint64 validFrom;
    }

    /// @notice Everything the registry knows about a member except its keys and SLA.
    /// @param status Current lifecycle state.
    /// @param appliedAt Time of the application.
    /// @param probationSince Time the genesis was approved (0 before).
    /// @param activeSince Time the member became Active (0 before).
    /// @param exitableAt Time from which an Exiting member may complete its exit (0 unless Exiting or Exited).
    /// @param genesisAuditor The auditor who approved the genesis.
    /// @param genesisDigest Digest recorded by the auditor (e.g. of the trusted-setup report).
    /// @param profileDigest Digest of the member's application profile (off-chain document).
    struct MemberInfo {
        MemberStatus status;
        uint64 appliedAt;
        uint64 probationSince;
        uint64 activeSince;
        uint64 exitableAt;
        address genesisAuditor;
        bytes32 genesisDigest;
        bytes32 profileDigest;
    }

    /// @notice A governance-listed asset.
    /// @param token The asset's token on this chain; address(0) is ETH.
    /// @param decimals The asset's decimals (base units per whole unit = 10^decimals).
    /// @param listed True once governance listed the asset (listing is permanent).
    /// @param symbol Display symbol.
    struct Asset {
        address token;
        uint8 decimals;
        bool listed;
        string symbol;
    }

    /// @notice The caller (or `member`) is in `status`, which does not allow the operation.
    error ConsortiumRegistryWrongStatus(address member, MemberStatus status);
    /// @notice No registered record key of `member` has a validity interval containing `t`.
    error ConsortiumRegistryNoKeyAt(address member, uint64 t);
    /// @notice `assetId` is not on the governance asset list.
    error ConsortiumRegistryUnknownAsset(uint32 assetId);
    /// @notice `assetId` is already listed; listings are permanent.
    error ConsortiumRegistryAssetExists(uint32 assetId);
    /// @notice `token` is listed already, as `assetId`: one asset id per token contract (else one payment would count
    /// for two assets, e.g. settle an interim attestation in each).
    error ConsortiumRegistryTokenListed(address token, uint32 assetId);
    /// @notice The caller holds neither the adjudicator role nor governance.
    error ConsortiumRegistryNotEjector(address caller);
    /// @notice The SLA has a zero snapshot interval or response window.
    error ConsortiumRegistryInvalidSla();
    /// @notice The record key is malformed (zero key hash or a value not below the BN254 scalar field modulus).
    error ConsortiumRegistryInvalidKey();
    /// @notice A new key's `validFrom` lies in the past or not after the previous key's `validFrom`.
    error ConsortiumRegistryKeyNotInFuture(uint64 validFrom, uint64 earliest);
    /// @notice `keyHash` is already registered (to `holder`): a key hash belongs to one member, once.
    error ConsortiumRegistryKeyTaken(uint256 keyHash, address holder);
    /// @notice The member's collateral weight is below the minimum it needs.
    error ConsortiumRegistryInsufficientCollateral(address member, uint256 stake, uint256 minimum);
    /// @notice The probation period has not elapsed and the caller is not governance.
    error ConsortiumRegistryProbationNotOver(address member, uint64 endsAt);
    /// @notice The exit's unbonding delay has not elapsed.
    error ConsortiumRegistryExitNotReady(address member, uint64 exitableAt);
    /// @notice A zero address where an address is needed.
    error ConsortiumRegistryZeroAddress();
    /// @notice The genesis digest is zero.
    error ConsortiumRegistryZeroDigest();
    /// @notice No stake source is configured yet.
    error ConsortiumRegistryStakeSourceNotSet();
    /// @notice The stake source is set once (it caches which members may co-sign).
    error ConsortiumRegistryStakeSourceAlreadySet(address stakeSource);
    /// @notice `holder` held an encryption key and stopped being allowed to decrypt at `endedAt` (it left, or lost
    /// the auditor role): its recipient history is closed, it registers no key again (a new address does).
    error ConsortiumRegistryDecryptionEnded(address holder, uint64 endedAt);

    /// @notice Emitted when `member` applied for membership.
    /// @param member The applicant.
    /// @param profileDigest Digest of the applicant's off-chain profile.
    /// @param sla The SLA assigned from the governance defaults.
    event MemberApplied(address indexed member, bytes32 profileDigest, Sla sla);
    /// @notice Emitted when an auditor approved a member's genesis; the member is now on probation.
    /// @param member The member.
    /// @param auditor The approving auditor.
    /// @param genesisDigest Digest of the genesis (trusted setup) report.
    event GenesisApproved(address indexed member, address indexed auditor, bytes32 genesisDigest);
    /// @notice Emitted when a member became Active.
    /// @param member The member.
    /// @param by The account that activated it.
    /// @param stake The member's collateral weight at activation.
    event MemberActivated(address indexed member, address indexed by, uint256 stake);
    /// @notice Emitted when a member requested its exit.
    /// @param member The member.
    /// @param exitableAt Time from which the exit can be completed.
    event MemberExitRequested(address indexed member, uint64 exitableAt);
    /// @notice Emitted when a member's exit completed.
    /// @param member The member.
    event MemberExited(address indexed member);
    /// @notice Emitted when a member was ejected.
    /// @param member The member.
    /// @param by The governance account or adjudicator that ejected it.
    /// @param previous The status it was ejected from.
    event MemberEjected(address indexed member, address indexed by, MemberStatus previous);
    /// @notice Emitted when a record key was registered (and the previous one closed, on rotation).
    /// @param member The member.
    /// @param index Index of the key in the member's key list.
    /// @param keyHash Poseidon(KEY_DOMAIN, Ax, Ay).
    /// @param ax Key x coordinate.
    /// @param ay Key y coordinate.
    /// @param validFrom First valid second.
    event RecordKeyRegistered(
        address indexed member,
        uint256 indexed index,
        uint256 keyHash,
        uint256 ax,
        uint256 ay,
        uint64 validFrom
    );
    /// @notice Emitted when a record key's validity interval was closed by a rotation.
    /// @param member The member.
    /// @param index Index of the closed key.
    /// @param validUntil Last valid second of the closed key.
    event RecordKeyClosed(address indexed member, uint256 indexed index, uint64 validUntil);
    /// @notice Emitted when an operator or an auditor registered its (next) X25519 encryption key.
    /// @param operator The operator (a Probation or Active member) or auditor (AUDITOR_ROLE).
    /// @param index Index of the key in the operator's encryption-key list.
    /// @param publicKey The raw X25519 public key.
    /// @param validFrom First second in which it is the operator's key.
    event EncryptionKeyRegistered(address indexed operator, uint256 indexed index, bytes32 publicKey, uint64 validFrom);
    /// @notice Emitted when a holder of an encryption key stopped being allowed to decrypt (it requested its exit, was
    /// ejected while operating, or lost the auditor role while not operating): from `endedAt` on it is no recipient.
    /// @param holder The operator or auditor.
    /// @param endedAt First second in which it is no recipient (the block's timestamp).
    event DecryptionEnded(address indexed holder, uint64 endedAt);
    /// @notice Emitted when governance set a member's SLA.
    event MemberSlaSet(address indexed member, Sla sla);
    /// @notice Emitted when governance set the default SLA for new applicants.
    event DefaultSlaSet(Sla sla);
    /// @notice Emitted when governance listed an asset.
    event AssetListed(uint32 indexed assetId, address indexed token, string symbol, uint8 decimals);
    /// @notice Emitted when governance set the unbonding delay.
    event UnbondingDelaySet(uint64 delay);
    /// @notice Emitted when governance set the probation period.
    event ProbationPeriodSet(uint64 period);
    /// @notice Emitted when governance set the stake source (the native vault or the EigenLayer adapter) the registry
    /// reads stakes from.
    event StakeSourceSet(address indexed stakeSource);

    // ------------------------------------------------------------------ lifecycle

    /// @notice Apply for membership; the caller becomes an Applied member with the default SLA.
    /// @param profileDigest Digest of the applicant's off-chain profile (name, jurisdiction, contacts).
    function applyForMembership(bytes32 profileDigest) external;

    /// @notice Approve a member's genesis (AUDITOR_ROLE): Applied -> Probation.
    /// @param member The applicant.
    /// @param genesisDigest Digest of the auditor's genesis / trusted-setup report; non-zero.
    function approveGenesis(address member, bytes32 genesisDigest) external;

    /// @notice Move a member from Probation to Active. Requires collateral >= its SLA minimum. Governance may
    /// activate at any time; anyone may once the probation period has elapsed.
    /// @param member The member.
    function activate(address member) external;

    /// @notice Request exit (the caller, Probation or Active): -> Exiting; completes after the unbonding delay.
    function requestExit() external;

    /// @notice Complete an exit whose unbonding delay elapsed (anyone): Exiting -> Exited.
    /// @param member The member.
    function completeExit(address member) external;

    /// @notice Eject a member (ADJUDICATOR_ROLE or governance), e.g. after a slash left it below its minimum.
    /// @param member The member; must be Applied, Probation, Active or Exiting.
    function eject(address member) external;

    // ------------------------------------------------------------------ record keys

    /// @notice Register the caller's next record key (Probation or Active: approved members only). Rotation: the
    /// previous key's interval closes at `validFrom - 1`.
    /// @param keyHash Poseidon(KEY_DOMAIN, ax, ay); non-zero, below the field modulus and never registered before
    /// by anyone (ConsortiumRegistryKeyTaken).
    /// @param ax Key x coordinate (below the field modulus).
    /// @param ay Key y coordinate (below the field modulus).
    /// @param validFrom First valid second; not in the past and after the previous key's validFrom (no key can
    /// be backdated, so the key valid at a past time never changes); below 2^48 - 1.
    function registerKey(uint256 keyHash, uint256 ax, uint256 ay, uint64 validFrom) external;

    /// @notice The key hash valid for `member` at time `t`.
    /// @dev Reverts ConsortiumRegistryNoKeyAt(member, t) when no key's validity interval contains t.
    function keyHashAt(address member, uint64 t) external view returns (uint256 keyHash);

    /// @notice Whether `keyHash` is `member`'s record key and valid at `t` (one storage read: the fraud-proof path).
    function isKeyValidAt(address member, uint256 keyHash, uint64 t) external view returns (bool);

    /// @notice The member `keyHash` is registered to and its validity interval (validUntil is 2^64 - 1 while the
    /// key is current); all zero for an unregistered hash.
    function keyHolderOf(uint256 keyHash) external view returns (address member, uint64 validFrom, uint64 validUntil);

    /// @notice Number of record keys `member` has registered.
    function keyCount(address member) external view returns (uint256);

    /// @notice The `index`-th record key of `member` (in registration order).
    function keyAt(address member, uint256 index) external view returns (RecordKey memory);

    // ------------------------------------------------------------------ encryption keys

    /// @notice Register the caller's next X25519 encryption key (Probation or Active: co-signing operators; or an
    /// AUDITOR_ROLE holder, who samples private sets), to which members encrypt private blobs. Rotation: the new key
    /// replaces the previous one from `validFrom`.
    /// @param publicKey Raw 32-byte X25519 public key (the u-coordinate, little-endian); not one of the low-order
    /// points' encodings, whose shared secret is all zero (u in {0, 1, p - 1, p, p + 1} and the two points of order
    /// 8, with bit 255 clear or set): ConsortiumRegistryInvalidKey.
    /// @param validFrom First second in which it is the caller's key; not in the past and after the previous key's
    /// validFrom (ConsortiumRegistryKeyNotInFuture), so the key in force at a past time never changes.
    function registerEncryptionKey(bytes32 publicKey, uint64 validFrom) external;

    /// @notice The encryption key in force for `operator` at time `t` (the last with validFrom <= t); zero when none.
    function encryptionKeyAt(address operator, uint64 t) external view returns (bytes32 publicKey);

    /// @notice Number of encryption keys `operator` has registered.
    function encryptionKeyCount(address operator) external view returns (uint256);

    /// @notice The `index`-th encryption key of `operator` (in registration order).
    function encryptionKeyByIndex(address operator, uint256 index) external view returns (EncryptionKey memory);

    /// @notice The recipients of a private blob of snapshot time `t`: every holder that was allowed to decrypt at
    /// `t` (a co-signing operator, Probation or Active, or an AUDITOR_ROLE holder) with an encryption key in force at
    /// `t`, with that key (in order of first registration). A fact of `t`: once `t` is past (`t < block.timestamp`,
    /// as every commit and request needs) the answer never changes, whoever joins, rotates, exits, is ejected or loses
    /// the role later (keys start at or after their registration; `decryptionEndOf` records when a holder stopped).
    function encryptionRecipientsAt(
        uint64 t
    ) external view returns (address[] memory operators, bytes32[] memory publicKeys);

    /// @notice Whether `encryptionRecipientsAt(t)` is non-empty (stops at the first recipient; the ledger refuses a
    /// private set of a `t` without one).
    function hasEncryptionRecipientAt(uint64 t) external view returns (bool);

    /// @notice When `holder` stopped being allowed to decrypt: 0 if it never registered an encryption key,
    /// type(uint64).max while it still may, else the first second in which it is no recipient.
    function decryptionEndOf(address holder) external view returns (uint64);

    // ------------------------------------------------------------------ views

    /// @notice The lifecycle state of `member`.
    function statusOf(address member) external view returns (MemberStatus);

    /// @notice Everything recorded about `member` (status, times, genesis).
    function memberInfo(address member) external view returns (MemberInfo memory);

    /// @notice Whether `operator` may co-sign attestations (Probation or Active).
    function canCoSign(address operator) external view returns (bool);

    /// @notice Whether `member` may commit snapshots (Probation or Active, with its SLA's minimum stake weight).
    function canCommit(address member) external view returns (bool);

    /// @notice What `Adjudicator.ejectUndercollateralized` needs, in one call: whether `member` may be ejected for low
    /// collateral (Probation or Active) and its SLA's minimum collateral weight (zero when not).
    function ejectionTermsOf(address member) external view returns (bool ejectable, uint256 minCollateral);

    /// @notice What the ledger needs to accept a commit, in one call: whether `member` may commit (Probation or
    /// Active) and its SLA's cadence terms (zeros when it may not commit). Reverts
    /// ConsortiumRegistryInsufficientCollateral for an operating member whose stake weight is below its minimum.
    function commitTermsOf(
        address member
    ) external view returns (bool allowed, uint64 snapshotInterval, uint64 responseWindow);

    /// @notice Whether `member` may send 0-conf transfers (Active only; probation members may not).
    function canSendZeroConf(address member) external view returns (bool);

    /// @notice The SLA of `member` (the defaults if governance never set one).
    function slaOf(address member) external view returns (Sla memory);

    /// @notice Whether `member`'s stake weight in the stake source meets its SLA minimum.
    function meetsMinCollateral(address member) external view returns (bool);

    /// @notice The on-chain token of asset `assetId`; address(0) = ETH.
    /// @dev Reverts ConsortiumRegistryUnknownAsset(assetId) for an unlisted asset.
    function assetToken(uint32 assetId) external view returns (address token);

    /// @notice The full listing of asset `assetId`.
    /// @dev Reverts ConsortiumRegistryUnknownAsset(assetId) for an unlisted asset.
    function assetInfo(uint32 assetId) external view returns (Asset memory);

    /// @notice All listed asset ids in listing order.
    function assetIds() external view returns (uint32[] memory);

    /// @notice The SLA new applicants get.
    function defaultSla() external view returns (Sla memory);

    /// @notice Delay between an exit or withdrawal request and its completion, in seconds.
    function unbondingDelay() external view returns (uint64);

    /// @notice Time after genesis approval from which anyone may activate a collateralised member, in seconds.
    function probationPeriod() external view returns (uint64);

    /// @notice The stake source (`IStakeSource`: the native vault or the EigenLayer adapter) whose stakeOf the
    /// registry checks.
    function stakeSource() external view returns (address);

    // ------------------------------------------------------------------ governance

    /// @notice Set `member`'s SLA (governance).
    function setSla(address member, Sla calldata sla) external;

    /// @notice Set the default SLA for future applicants (governance).
    function setDefaultSla(Sla calldata sla) external;

    /// @notice List asset `assetId` (governance). Listings are permanent so booked claims never change token. A token
    /// contract is listed under one asset id only (`ConsortiumRegistryTokenListed`); the zero address (the chain's
    /// native asset, or an asset of another chain) may back several.
    function listAsset(uint32 assetId, address token, string calldata symbol, uint8 decimals) external;

    /// @notice Set the unbonding delay (governance).
    function setUnbondingDelay(uint64 delay) external;

    /// @notice Set the probation period (governance).
    function setProbationPeriod(uint64 period) external;

    /// @notice Set the stake source, once (governance). Genesis approval, exit and ejection push the member's
    /// co-signer flag to it, so it must be set before the first genesis approval.
    function setStakeSource(address source) external;
}
