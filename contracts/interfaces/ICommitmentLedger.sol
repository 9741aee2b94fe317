// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ICommitmentLedger
/// @notice The ledger of a member's per-asset liability commitments (B4), proof requests for past snapshots (B3)
/// and the stake-weighted quorum of co-signers that finalizes them (A4).
/// @dev Identifiers used throughout:
/// - set id (also the attestation subject of a commitment set): `keccak256(abi.encode(member, t))`; one asset's
///   commitment has no id of its own: it is the entry for its asset id in the set of (member, t);
/// - attestation subject of a request: `keccak256(abi.encode(member, t, requestId))`;
/// - `rootsDigest = keccak256(abi.encode(AssetCommitment[] commitments))` over the committed array as submitted
///   (asset ids strictly ascending); `blobDigest = keccak256(abi.encodePacked(commitments[i].blobDigest ...))`.
/// Quorum signatures are EIP-712 `Attestation(bytes32 subject,uint8 verdict,bytes32 rootsDigest,bytes32 blobDigest)`
/// under this contract's domain (name "PoR CommitmentLedger", version "1"), ECDSA by the operator's (member's)
/// address, concatenated as 65-byte `r || s || v` in strictly ascending signer order.
interface ICommitmentLedger {
    /// @notice One asset's commitment for a snapshot.
    /// @param asset The 32-bit asset id of the registry's asset list.
    /// @param rootHash The liability tree's root hash (a BN254 field element, non-zero).
    /// @param rootSum The liability tree's root sum (total liabilities in base units).
    /// @param reserves The member's reserves total for the asset at the snapshot, in base units.
    /// @param blobDigest keccak256 of the data-availability blob holding the snapshot's data for this asset.
    struct AssetCommitment {
        uint32 asset;
        uint256 rootHash;
        uint128 rootSum;
        uint128 reserves;
        bytes32 blobDigest;
    }

    /// @notice One private asset's commitment (docs/protocol.md section 17): both totals hidden in Pedersen
    /// commitments, every proof verified when it is committed. The ledger stores it as the `AssetCommitment`
    /// `(asset, rootHash, 0, 0, keccak256(abi.encode(PRIVATE_ENTRY_DOMAIN, commitments, blobDigest)))` in the set's
    /// digest (so fraud proofs read its `rootHash` as any other), and the set as private (`CommitmentSet.isPrivate`).
    /// @param asset The 32-bit asset id.
    /// @param rootHash The liability tree's root hash (a BN254 field element, non-zero).
    /// @param blobDigest keccak256 of the (encrypted) data-availability blob of the asset.
    /// @param snark The `PrivateAsset` Groth16 proof `[a.x, a.y, b00, b01, b10, b11, c.x, c.y]` in the generated
    /// verifier's calldata order; its public inputs `[rootHash, C_L, C_S, context]` are computed by the ledger.
    /// @param commitments `[C_A.x, C_A.y, C_L.x, C_L.y, C_S.x, C_S.y]` (reserves, liabilities, surplus).
    /// @param eighths Each commitment's cofactor witness `Q` with `8*Q = C`, in the same order.
    /// @param c The zero-difference challenge (below 2^128).
    /// @param z The zero-difference response (below l).
    /// The fields from `commitments` on are laid out as `ZeroDifferenceProof.Proof` (all static).
    struct PrivateAssetCommitment {
        uint32 asset;
        uint256 rootHash;
        bytes32 blobDigest;
        uint256[8] snark;
        uint256[6] commitments;
        uint256[6] eighths;
        uint256 c;
        uint256 z;
    }

    /// @notice Lifecycle of a commitment set: Pending until a quorum verdict; Fraudulent once a fraud proof against
    /// any of its assets is accepted (also after finalization: the challenge window stays open).
    enum SetStatus {
        None,
        Pending,
        Finalized,
        Fraudulent,
        Insolvent
    }

    /// @notice Lifecycle of a proof request.
    enum RequestStatus {
        None,
        Open,
        Answered,
        Finalized,
        Insolvent,
        Missed
    }

    /// @notice A quorum's verdict. `None` is never accepted.
    enum Verdict {
        None,
        Solvent,
        Insolvent
    }

    /// @notice A commitment set: every asset a member committed for one snapshot time.
    /// @param status The set's lifecycle state.
    /// @param committedAt The block time of the commitment.
    /// @param assetCount How many assets the set holds.
    /// @param declaredInsolvent True when some asset was committed with `reserves < rootSum`.
    /// @param digest `keccak256(abi.encode(rootsDigest, blobDigest))` with its low 72 bits cleared (the set's storage
    /// word keeps the metadata there; 184 bits still bind the attested digests), what the quorum attests to.
    /// @param isPrivate True for a set committed with `commitPrivate` or `respondToRequestPrivate` (totals hidden).
    struct CommitmentSet {
        SetStatus status;
        uint64 committedAt;
        uint16 assetCount;
        bool declaredInsolvent;
        bytes32 digest;
        bool isPrivate;
    }

    /// @notice What the ledger keeps per member, in one slot: the cadence anchor and the duty counters that
    /// `Reputation` reads (slashes are counted by the vault, which a slash writes anyway).
    /// @param lastSnapshot The member's last committed snapshot time (zero before its first commit).
    /// @param dutiesMet Duties met within the SLA: commits in time, at most one per `snapshotInterval` (answered
    /// requests count nothing: a requester's identity proves nothing, and a member may request itself).
    /// @param dutiesTotal Duties met plus missed (skipped cadence intervals, late commits, missed requests).
    /// @param openRequests Requests to the member still open (neither answered nor reported missed).
    /// @param lastMetSnapshot The snapshot time of the last commit counted as a met duty (zero: none).
    struct MemberRecord {
        uint64 lastSnapshot;
        uint64 dutiesMet;
        uint64 dutiesTotal;
        uint16 openRequests;
        uint40 lastMetSnapshot;
    }

    /// @notice A proof request.
    /// @param createdAt The block time of the request: the quorum on it counts only stake bonded before.
    struct Request {
        address member;
        uint64 t;
        uint64 deadline;
        RequestStatus status;
        address requester;
        uint96 fee;
        uint64 createdAt;
    }

    /// @notice Governance parameters of the quorum and of requests.
    /// @param quorumWeight Minimum summed `ICollateralVault.weightsOf` weight of the signers (absolute, see docs;
    /// at most 2^128 - 1).
    /// @param minSigners Minimum number of distinct signers.
    /// @param requestFee Exact ETH fee a requester pays; paid to the member on an answer, kept on a miss (sent to
    /// the adjudicator's insurance side).
    /// @param maxOpenRequests Most requests open at once per member (at least 1), so a member can always answer
    /// every request in time.
    struct QuorumParams {
        uint256 quorumWeight;
        uint16 minSigners;
        uint96 requestFee;
        uint16 maxOpenRequests;
    }

    /// @notice The caller may not commit (not on probation or active in the registry).
    error CommitmentLedgerNotCommitter(address member);
    /// @notice The commitment array is empty or longer than the maximum.
    error CommitmentLedgerBadAssetCount(uint256 count, uint256 max);
    /// @notice The snapshot time is not strictly in the past.
    error CommitmentLedgerFutureSnapshot(uint64 t, uint256 nowTime);
    /// @notice The snapshot time does not exceed the member's last committed snapshot time.
    error CommitmentLedgerSnapshotNotIncreasing(uint64 t, uint64 lastT);
    /// @notice A commitment set already exists for this member and snapshot time.
    error CommitmentLedgerSetExists(address member, uint64 t);
    /// @notice No commitment set exists for this member and snapshot time.
    error CommitmentLedgerUnknownSet(address member, uint64 t);
    /// @notice The commitments given for a set are not the ones committed (their hash differs from the stored digest).
    error CommitmentLedgerSetMismatch(address member, uint64 t);
    /// @notice A blob reference is empty or longer than `MAX_BLOB_REF_LENGTH` bytes.
    error CommitmentLedgerBadBlobRef(uint256 length);
    /// @notice Asset ids are not strictly ascending (which also rules out duplicates).
    error CommitmentLedgerAssetsNotAscending(uint256 index, uint32 asset);
    /// @notice The root hash is zero or not a BN254 field element (no fraud proof could ever refer to it).
    error CommitmentLedgerBadRootHash(uint32 asset, uint256 rootHash);
    /// @notice The snapshot time of a request is not in the past.
    error CommitmentLedgerSnapshotNotPast(uint64 t, uint256 nowTime);
    /// @notice The member is not in a state that can be asked for proofs.
    error CommitmentLedgerNotRequestable(address member);
    /// @notice The request fee sent does not equal the governance fee.
    error CommitmentLedgerWrongFee(uint256 sent, uint256 fee);
    /// @notice A request for this member and snapshot time already exists.
    error CommitmentLedgerRequestExists(address member, uint64 t, uint256 requestId);
    /// @notice No such request.
    error CommitmentLedgerUnknownRequest(uint256 requestId);
    /// @notice The request is not in the state this call needs.
    error CommitmentLedgerBadRequestStatus(uint256 requestId, RequestStatus status);
    /// @notice Only the requested member may answer.
    error CommitmentLedgerNotRequestedMember(uint256 requestId, address caller);
    /// @notice The response deadline has passed.
    error CommitmentLedgerDeadlinePassed(uint256 requestId, uint64 deadline);
    /// @notice The response deadline has not passed yet.
    error CommitmentLedgerDeadlineNotPassed(uint256 requestId, uint64 deadline);
    /// @notice A set already exists for the request's snapshot, so the answer must be empty; or none exists and the
    /// answer is empty.
    error CommitmentLedgerBadAnswer(uint256 requestId, uint256 count);
    /// @notice A request is answered with a new set only by a member whose stake weight meets its minimum (as commit).
    error CommitmentLedgerUnbackedAnswer(uint256 requestId, address member);
    /// @notice The set is not in the state this call needs.
    error CommitmentLedgerBadSetStatus(address member, uint64 t, SetStatus status);
    /// @notice The verdict is not Solvent or Insolvent.
    error CommitmentLedgerBadVerdict(uint8 verdict);
    /// @notice The member itself declared an asset insolvent, so the set cannot be attested solvent.
    error CommitmentLedgerDeclaredInsolvent(address member, uint64 t);
    /// @notice The attested digests do not match the stored set.
    error CommitmentLedgerDigestMismatch(bytes32 rootsDigest, bytes32 blobDigest);
    /// @notice The signature blob is empty or not a multiple of 65 bytes.
    error CommitmentLedgerMalformedSignatures(uint256 length);
    /// @notice A signature does not recover to an address.
    error CommitmentLedgerInvalidSignature(uint256 index);
    /// @notice Signers are not in strictly ascending order (a duplicate is refused the same way).
    error CommitmentLedgerSignersNotSorted(uint256 index, address signer, address previous);
    /// @notice The member cannot attest to its own commitments.
    error CommitmentLedgerSelfAttestation(address member);
    /// @notice The signer is not an operator that may co-sign (probation or active) or has no stake weight.
    error CommitmentLedgerNotCoSigner(address signer);
    /// @notice The summed weight or the signer count is below the governance threshold.
    error CommitmentLedgerQuorumNotReached(uint256 weight, uint256 quorumWeight, uint256 signers, uint256 minSigners);
    /// @notice Only the adjudicator may call.
    error CommitmentLedgerNotAdjudicator(address caller);
    /// @notice A zero address where one is required.
    error CommitmentLedgerZeroAddress();
    /// @notice The adjudicator is set once.
    error CommitmentLedgerAdjudicatorAlreadySet(address adjudicator);
    /// @notice Quorum parameters with a zero (or above 2^128 - 1) weight threshold, zero minimum signers or zero
    /// open requests.
    error CommitmentLedgerBadQuorumParams(uint256 quorumWeight, uint16 minSigners, uint16 maxOpenRequests);
    /// @notice The member already has the most open requests governance allows.
    error CommitmentLedgerTooManyOpenRequests(address member, uint16 open, uint16 maxOpenRequests);
    /// @notice Nothing to withdraw.
    error CommitmentLedgerNothingToWithdraw(address account);
    /// @notice An ETH transfer failed.
    error CommitmentLedgerTransferFailed(address to, uint256 amount);
    /// @notice No private-set verifier is set (governance sets it once).
    error CommitmentLedgerNoPrivateVerifier();
    /// @notice The private-set verifier is already set.
    error CommitmentLedgerPrivateVerifierAlreadySet(address verifier);
    /// @notice A private asset's proof failed: `failure` 1 = the PrivateAsset SNARK, 2 = the zero-difference proof.
    error CommitmentLedgerPrivateProofFailed(uint32 asset, uint8 failure);
    /// @notice A private set of snapshot time `t` has no recipient (`encryptionRecipientsAt(t)` is empty: no operator
    /// or auditor allowed to decrypt at `t` had an encryption key in force at `t`), so nobody could ever judge it.
    error CommitmentLedgerNoRecipients(uint64 t);

    /// @notice Emitted per asset when a member commits a root.
    event RootCommitted(
        address indexed member,
        uint32 indexed asset,
        uint64 indexed t,
        uint256 rootHash,
        uint128 rootSum,
        uint128 reserves,
        bytes32 blobDigest
    );
    /// @notice Emitted when a committed asset shows reserves below liabilities (visible at once; D5: per asset).
    event InsolvencyDeclared(
        address indexed member,
        uint32 indexed asset,
        uint64 indexed t,
        uint128 reserves,
        uint128 rootSum
    );
    /// @notice Emitted per private asset before its `RootCommitted` (whose rootSum and reserves are zero and whose
    /// blobDigest is the entry digest over these commitments and `blobDigest`).
    event PrivateRootCommitted(
        address indexed member,
        uint32 indexed asset,
        uint64 indexed t,
        uint256[6] commitments,
        bytes32 blobDigest
    );
    /// @notice Emitted when governance sets the private-set verifier (once).
    event PrivateVerifierSet(address verifier);
    /// @notice Emitted once per commitment set after its assets.
    event SetCommitted(
        address indexed member,
        uint64 indexed t,
        bytes32 rootsDigest,
        bytes32 blobDigest,
        uint16 assetCount
    );
    /// @notice Emitted when a commit or a missed request counts duties met or missed (the counters
    /// `Reputation` reads).
    event DutiesRecorded(address indexed member, uint64 met, uint64 missed);
    /// @notice Emitted when a verifier asks a member for a proof of a past snapshot.
    event ProofRequested(
        uint256 indexed requestId,
        address indexed member,
        uint64 indexed t,
        address requester,
        uint64 deadline,
        uint96 fee
    );
    /// @notice Emitted when the member answers a request.
    event RequestAnswered(uint256 indexed requestId, address indexed member, uint64 indexed t);
    /// @notice Emitted when a request's deadline passed unanswered and it was reported.
    event RequestMissed(uint256 indexed requestId, address indexed member, uint64 indexed t);
    /// @notice Emitted when a quorum verdict is accepted.
    event QuorumAttested(
        bytes32 indexed subject,
        address indexed member,
        uint64 indexed t,
        Verdict verdict,
        uint256 weight,
        uint256 signers
    );
    /// @notice Emitted when a set's status changes, except by `attestCommitment`, whose `QuorumAttested` (subject = the
    /// set) implies it: Solvent -> Finalized, Insolvent -> Insolvent.
    event SetStatusChanged(address indexed member, uint64 indexed t, SetStatus status);
    /// @notice Emitted when a request's status changes through a quorum verdict.
    event RequestStatusChanged(uint256 indexed requestId, RequestStatus status);
    /// @notice Emitted when governance sets the quorum and request parameters.
    event QuorumParamsSet(uint256 quorumWeight, uint16 minSigners, uint96 requestFee, uint16 maxOpenRequests);
    /// @notice Emitted when governance sets the adjudicator.
    event AdjudicatorSet(address adjudicator);
    /// @notice Emitted when fees credited to an account are withdrawn.
    event FeesWithdrawn(address indexed account, uint256 amount);
    /// @notice Emitted when a member says where the blob of one of its committed assets can be fetched (for example
    /// an EigenDA certificate). Only an event: readers fetch the blob and check it against the committed blob digest.
    event BlobRefPublished(address indexed member, uint64 indexed t, uint32 indexed asset, bytes ref);

    /// @notice Commits the caller's roots for snapshot time `t`, one entry per asset (asset ids strictly ascending).
    /// @dev Requires `registry.canCommit(msg.sender)`, `lastT < t < block.timestamp` (strictly past, so no key
    /// registered now can end the key of `t`), non-zero root hashes below the BN254 modulus, known assets. Counts
    /// cadence duties in the member's record: the commit is met when posted within `responseWindow` of `t` and at
    /// least `snapshotInterval` after the last met one (else it counts nothing); late, it is missed; skipped
    /// `snapshotInterval`s since the last one count missed.
    /// @param t The snapshot time (Unix seconds).
    /// @param commitments The per-asset commitments.
    function commit(uint64 t, AssetCommitment[] calldata commitments) external;

    /// @notice Asks `member` to prove its snapshot at past time `t`; pays exactly the governance request fee. At most
    /// `maxOpenRequests` requests to a member are open at once (CommitmentLedgerTooManyOpenRequests).
    /// @param member The member asked.
    /// @param t The snapshot time, strictly in the past.
    /// @return requestId The new request's id (counting from 1).
    function requestProof(address member, uint64 t) external payable returns (uint256 requestId);

    /// @notice The member answers a request before its deadline: with the commitments for `t` when none exist yet,
    /// or with an empty array when the set for `t` is already committed.
    /// @param requestId The request answered.
    /// @param commitments The commitments for the request's `t` (or empty).
    function respondToRequest(uint256 requestId, AssetCommitment[] calldata commitments) external;

    /// @notice Commits a private set for snapshot `t` (the same duties and checks as `commit`); every asset's
    /// PrivateAsset SNARK and zero-difference proof is verified against the context the ledger computes (member,
    /// asset, t, set id, chain, ledger) and the set is stored as private. Reverts
    /// `CommitmentLedgerPrivateProofFailed` naming the asset and the proof that failed, and
    /// `CommitmentLedgerNoRecipients(t)` when the registry lists no recipient of a private blob at `t` (a fact of the
    /// past `t`: the nodes judging the set later read the same list).
    function commitPrivate(uint64 t, PrivateAssetCommitment[] calldata commitments) external;

    /// @notice Answers an open request with a private set (as `respondToRequest`; an empty array when the set of
    /// (member, t) exists already). Storing a set reverts `CommitmentLedgerNoRecipients(t)` as `commitPrivate` does
    /// (the member may still answer in public mode).
    function respondToRequestPrivate(uint256 requestId, PrivateAssetCommitment[] calldata commitments) external;

    /// @notice Sets the private-set verifier, once (governance).
    function setPrivateVerifier(address verifier) external;

    /// @notice The private-set verifier (zero until set).
    function privateVerifier() external view returns (address);

    /// @notice Posts a quorum verdict on a commitment set (subject `keccak256(abi.encode(member, t))`).
    /// @dev The set must be Pending. Solvent finalizes; Insolvent marks it insolvent and asks the adjudicator to
    /// slash (bounty to the caller).
    /// @param member The member whose set is attested.
    /// @param t The snapshot time of the set.
    /// @param verdict Solvent or Insolvent.
    /// @param rootsDigest The set's roots digest.
    /// @param blobDigest The set's blob digest.
    /// @param signatures Concatenated 65-byte ECDSA signatures, signers strictly ascending.
    function attestCommitment(
        address member,
        uint64 t,
        Verdict verdict,
        bytes32 rootsDigest,
        bytes32 blobDigest,
        bytes calldata signatures
    ) external;

    /// @notice Posts a quorum verdict on an answered request (subject `keccak256(abi.encode(member, t, requestId))`).
    /// @dev Solvent finalizes the request (and its set when pending). Insolvent marks both insolvent and slashes
    /// unless the set was already insolvent.
    /// @param requestId The answered request.
    /// @param verdict Solvent or Insolvent.
    /// @param rootsDigest The set's roots digest.
    /// @param blobDigest The set's blob digest.
    /// @param signatures Concatenated 65-byte ECDSA signatures, signers strictly ascending.
    function attestRequest(
        uint256 requestId,
        Verdict verdict,
        bytes32 rootsDigest,
        bytes32 blobDigest,
        bytes calldata signatures
    ) external;

    /// @notice Adjudicator only: marks the set `(member, t)` fraudulent after an accepted fraud proof against one of
    /// its commitments. Emits nothing: the adjudicator's `FraudProven` (member, asset, t) implies the new status.
    /// @dev The adjudicator took the proven root hash from the set it was given; `setHash` (see `CommitmentSets`) must
    /// be that set's hash, which binds it to what was committed. Reverts `CommitmentLedgerUnknownSet` when there is no
    /// set, `CommitmentLedgerSetMismatch` when `setHash` is not the committed set's.
    function markFraudulent(address member, uint64 t, bytes32 setHash) external;

    /// @notice Adjudicator only: marks an open request whose deadline passed as missed (a missed duty) and sends its
    /// fee to the adjudicator (kept, for the insurance fund).
    /// @return member The requested member.
    /// @return requester Who opened the request (earns no bounty for reporting it).
    /// @return fee The fee sent to the adjudicator.
    function markRequestMissed(uint256 requestId) external returns (address member, address requester, uint256 fee);

    /// @notice Publishes where the blob of the caller's commitment for `asset` at `t` can be fetched, as the event
    /// `BlobRefPublished` (no storage). The set `(msg.sender, t)` must exist; a member may publish again (for example
    /// after dispersing the blob anew): readers try every reference and keep the blob whose keccak256 matches.
    /// @param t The snapshot time of a committed set of the caller.
    /// @param asset The asset id whose blob the reference locates.
    /// @param ref The reference (1 to `MAX_BLOB_REF_LENGTH` bytes), opaque to the contract.
    function publishBlobRef(uint64 t, uint32 asset, bytes calldata ref) external;

    /// @notice Withdraws request fees credited to the caller (answered requests pay the member; missed ones are kept
    /// for the insurance fund).
    function withdrawFees() external;

    /// @notice Governance: sets the quorum and request parameters.
    function setQuorumParams(QuorumParams calldata params) external;

    /// @notice Governance: sets the adjudicator contract, once (CommitmentLedgerAdjudicatorAlreadySet).
    function setAdjudicator(address adjudicator) external;

    /// @notice The commitment set of (member, t).
    function setOf(address member, uint64 t) external view returns (CommitmentSet memory);

    /// @notice A request by id.
    function requestOf(uint256 requestId) external view returns (Request memory);

    /// @notice The request id for (member, t), zero when none.
    function requestIdOf(address member, uint64 t) external view returns (uint256);

    /// @notice The number of requests so far (the last id).
    function requestCount() external view returns (uint256);

    /// @notice The member's last committed snapshot time on its cadence (zero before its first commit).
    function lastSnapshotOf(address member) external view returns (uint64);

    /// @notice The member's record: last snapshot and duty counters.
    function memberRecordOf(address member) external view returns (MemberRecord memory);

    /// @notice ETH fees credited to an account, withdrawable with `withdrawFees`.
    function feesOf(address account) external view returns (uint256);

    /// @notice The quorum and request parameters.
    function quorumParams() external view returns (QuorumParams memory);

    /// @notice The adjudicator contract.
    function adjudicator() external view returns (address);

    /// @notice The EIP-712 digest an operator signs for an attestation.
    function attestationDigest(
        bytes32 subject,
        Verdict verdict,
        bytes32 rootsDigest,
        bytes32 blobDigest
    ) external view returns (bytes32);

    /// @notice The attestation subject of a commitment set.
    function setSubject(address member, uint64 t) external pure returns (bytes32);

    /// @notice The attestation subject of a request.
    function requestSubject(uint256 requestId) external view returns (bytes32);
}
