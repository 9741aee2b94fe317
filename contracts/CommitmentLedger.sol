// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ICommitmentLedger} from "./interfaces/ICommitmentLedger.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {IStakeSource} from "./interfaces/IStakeSource.sol";
import {IAdjudicator} from "./interfaces/IAdjudicator.sol";
import {IPrivateSetVerifier} from "./interfaces/IPrivateSetVerifier.sol";
import {CommitmentSets} from "./libraries/CommitmentSets.sol";
import {Constants} from "./libraries/Constants.sol";
import {MemberStatuses} from "./libraries/MemberStatuses.sol";
import {PackedSet, PackedSetLibrary} from "./libraries/PackedSet.sol";
import {QuorumSignatures} from "./libraries/QuorumSignatures.sol";

/// @title CommitmentLedger
/// @notice Per-asset liability commitments, proof requests for past snapshots and their quorum attestations.
/// @dev Storage per commitment set: one slot (a `PackedSet`: its metadata and the top 184 bits of its digest, which
/// binds every asset's root hash, root sum, reserves and blob digest: the per-asset values live in `RootCommitted`
/// events, and a fraud proof supplies the set, which is checked against the digest); per member: one slot (last
/// snapshot and duty counters, read by `Reputation`). The quorum check is O(signers) with one stake-source call for all
/// signers' weights: an absolute governance weight threshold (see docs/protocol.md), no iteration over operators.
contract CommitmentLedger is ICommitmentLedger, AccessControl, EIP712, ReentrancyGuardTransient {
    using MemberStatuses for IConsortiumRegistry.MemberStatus;

    /// @notice EIP-712 type hash of an operator's attestation.
    bytes32 public constant ATTESTATION_TYPEHASH = keccak256(
        "Attestation(bytes32 subject,uint8 verdict,bytes32 rootsDigest,bytes32 blobDigest)"
    );
    /// @notice Maximum number of assets in one commitment set.
    uint256 public constant MAX_ASSETS = 256;
    /// @notice Maximum length of a published blob reference (an EigenDA certificate is well below it).
    uint256 public constant MAX_BLOB_REF_LENGTH = 16_384;
    /// @dev `keccak256("por.private.context.v1")` (ZeroDifferenceProof.CONTEXT_DOMAIN): the context of a private
    /// asset's proofs, computed here so that it names this ledger.
    bytes32 private constant _CONTEXT_DOMAIN = keccak256("por.private.context.v1");

    IConsortiumRegistry private immutable _REGISTRY;
    IStakeSource private immutable _STAKE;

    address private _adjudicator;
    IPrivateSetVerifier private _privateVerifier;
    /// @dev The quorum and request parameters in one slot (the weight threshold is bounded to 128 bits when set).
    struct PackedQuorum {
        uint128 quorumWeight;
        uint16 minSigners;
        uint96 requestFee;
        uint16 maxOpenRequests;
    }

    PackedQuorum private _quorum;
    uint256 private _requestCount;

    mapping(address member => MemberRecord record) private _memberRecords;
    /// @dev One word per commitment set (see `PackedSet`).
    mapping(bytes32 setId => PackedSet set) private _sets;
    mapping(uint256 requestId => Request request) private _requests;
    mapping(bytes32 setId => uint256 requestId) private _requestOfSet;
    mapping(address account => uint256 amount) private _fees;

    modifier onlyAdjudicator() {
        if (msg.sender != _adjudicator) revert CommitmentLedgerNotAdjudicator(msg.sender);
        _;
    }

    /// @param admin The governance admin (DEFAULT_ADMIN_ROLE).
    /// @param registry The consortium registry (membership, SLAs, assets).
    /// @param stakeSource The stake source (signer weights).
    /// @param params The initial quorum and request parameters.
    constructor(
        address admin,
        IConsortiumRegistry registry,
        IStakeSource stakeSource,
        QuorumParams memory params
    ) EIP712("PoR CommitmentLedger", "1") {
        if (admin == address(0) || address(registry) == address(0) || address(stakeSource) == address(0)) {
            revert CommitmentLedgerZeroAddress();
        }
        _REGISTRY = registry;
        _STAKE = stakeSource;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setQuorumParams(params);
    }

    // ------------------------------------------------------------------ commitments

    /// @inheritdoc ICommitmentLedger
    function commit(uint64 t, AssetCommitment[] calldata commitments) external {
        (MemberRecord memory record, uint64 interval, uint64 window) = _checkCommit(t);
        _storeSet(msg.sender, t, commitments);
        _recordDuties(t, record, interval, window);
    }

    /// @inheritdoc ICommitmentLedger
    function commitPrivate(uint64 t, PrivateAssetCommitment[] calldata commitments) external {
        (MemberRecord memory record, uint64 interval, uint64 window) = _checkCommit(t);
        _storePrivateSet(msg.sender, t, commitments);
        _recordDuties(t, record, interval, window);
    }

    /// @dev The checks of a commit by the caller for `t`; returns its record and cadence terms.
    function _checkCommit(uint64 t) private view returns (MemberRecord memory record, uint64 interval, uint64 window) {
        address member = msg.sender;
        // One registry call for the status check and the cadence terms.
        bool allowed;
        (allowed, interval, window) = _REGISTRY.commitTermsOf(member);
        if (!allowed) revert CommitmentLedgerNotCommitter(member);
        // Strictly past: a key registered from now on (validFrom >= now) never ends the key of a committed t.
        if (t >= block.timestamp) revert CommitmentLedgerFutureSnapshot(t, block.timestamp);
        record = _memberRecords[member];
        uint64 lastT = record.lastSnapshot;
        if (t <= lastT) revert CommitmentLedgerSnapshotNotIncreasing(t, lastT);
    }

    /// @dev Counts the duties of the caller's commit for `t` met or missed.
    function _recordDuties(uint64 t, MemberRecord memory record, uint64 interval, uint64 window) private {
        uint64 lastT = record.lastSnapshot;
        uint64 met;
        uint64 missed;
        if (lastT != 0 && interval != 0 && t - lastT > interval) missed = (t - lastT - 1) / interval;
        if (block.timestamp - t > window) {
            missed += 1;
        } else if (record.lastMetSnapshot == 0 || t - record.lastMetSnapshot >= interval) {
            // At most one met cadence duty per snapshot interval: extra commits in between earn nothing.
            met = 1;
            // t < block.timestamp < 2^40.
            record.lastMetSnapshot = uint40(t);
        }
        record.lastSnapshot = t;
        record.dutiesMet += met;
        record.dutiesTotal += met + missed;
        _memberRecords[msg.sender] = record;
        emit DutiesRecorded(msg.sender, met, missed);
    }

    // ------------------------------------------------------------------ requests

    /// @inheritdoc ICommitmentLedger
    function requestProof(address member, uint64 t) external payable returns (uint256 requestId) {
        PackedQuorum memory q = _quorum;
        uint96 fee = q.requestFee;
        if (msg.value != fee) revert CommitmentLedgerWrongFee(msg.value, fee);
        if (t >= block.timestamp) revert CommitmentLedgerSnapshotNotPast(t, block.timestamp);
        if (!_REGISTRY.statusOf(member).isRequestable()) revert CommitmentLedgerNotRequestable(member);
        bytes32 setId = setSubject(member, t);
        uint256 existing = _requestOfSet[setId];
        if (existing != 0) revert CommitmentLedgerRequestExists(member, t, existing);
        MemberRecord storage record = _memberRecords[member];
        uint16 open = record.openRequests;
        if (open >= q.maxOpenRequests) revert CommitmentLedgerTooManyOpenRequests(member, open, q.maxOpenRequests);
        record.openRequests = open + 1;

        requestId = ++_requestCount;
        uint64 deadline = uint64(block.timestamp) + _REGISTRY.slaOf(member).responseWindow;
        _requests[requestId] = Request({
            member: member,
            t: t,
            deadline: deadline,
            status: RequestStatus.Open,
            requester: msg.sender,
            fee: fee,
            createdAt: uint64(block.timestamp)
        });
        _requestOfSet[setId] = requestId;
        emit ProofRequested(requestId, member, t, msg.sender, deadline, fee);
    }

    /// @inheritdoc ICommitmentLedger
    function respondToRequest(uint256 requestId, AssetCommitment[] calldata commitments) external {
        (Request storage request, bool store) = _checkAnswer(requestId, commitments.length);
        if (store) _storeSet(request.member, request.t, commitments);
        _recordAnswer(request, requestId);
    }

    /// @inheritdoc ICommitmentLedger
    function respondToRequestPrivate(uint256 requestId, PrivateAssetCommitment[] calldata commitments) external {
        (Request storage request, bool store) = _checkAnswer(requestId, commitments.length);
        if (store) _storePrivateSet(request.member, request.t, commitments);
        _recordAnswer(request, requestId);
    }

    /// @dev The checks of an answer with `count` assets; `store` when the answer brings the set.
    function _checkAnswer(uint256 requestId, uint256 count) private view returns (Request storage request, bool store) {
        request = _requests[requestId];
        if (request.status == RequestStatus.None) revert CommitmentLedgerUnknownRequest(requestId);
        if (request.status != RequestStatus.Open) revert CommitmentLedgerBadRequestStatus(requestId, request.status);
        address member = request.member;
        if (msg.sender != member) revert CommitmentLedgerNotRequestedMember(requestId, msg.sender);
        if (block.timestamp > request.deadline) revert CommitmentLedgerDeadlinePassed(requestId, request.deadline);
        bool exists = !_sets[setSubject(member, request.t)].isEmpty();
        if (exists == (count != 0)) revert CommitmentLedgerBadAnswer(requestId, count);
        store = !exists;
        // A new set is only as good as the stake behind it, as for commit (an existing one was checked then).
        if (store && !_REGISTRY.meetsMinCollateral(member)) revert CommitmentLedgerUnbackedAnswer(requestId, member);
    }

    /// @dev Records an answer: the member's last snapshot, its open requests, the request's status and fee.
    function _recordAnswer(Request storage request, uint256 requestId) private {
        address member = request.member;
        uint64 t = request.t;
        MemberRecord storage record = _memberRecords[member];
        if (t > record.lastSnapshot) record.lastSnapshot = t;
        // An answer is no duty met: who requested proves nothing (a member could request itself).
        record.openRequests -= 1;
        request.status = RequestStatus.Answered;
        _fees[member] += request.fee;
        emit RequestAnswered(requestId, member, t);
    }

    // ------------------------------------------------------------------ quorum

    /// @inheritdoc ICommitmentLedger
    function attestCommitment(
        address member,
        uint64 t,
        Verdict verdict,
        bytes32 rootsDigest,
        bytes32 blobDigest,
        bytes calldata signatures
    ) external nonReentrant {
        bytes32 subject = setSubject(member, t);
        PackedSet word = _sets[subject];
        if (word.status() != SetStatus.Pending) revert CommitmentLedgerBadSetStatus(member, t, word.status());
        _checkVerdict(word, member, t, verdict, rootsDigest, blobDigest);
        (uint256 weight, uint256 count) = _checkQuorum(
            subject,
            verdict,
            rootsDigest,
            blobDigest,
            member,
            word.committedAt(),
            signatures
        );

        // The subject is the set itself, so QuorumAttested states its new status (Solvent: Finalized, Insolvent:
        // Insolvent); no SetStatusChanged on this path.
        if (verdict == Verdict.Solvent) {
            _sets[subject] = word.withStatus(SetStatus.Finalized);
            emit QuorumAttested(subject, member, t, verdict, weight, count);
        } else {
            _sets[subject] = word.withStatus(SetStatus.Insolvent);
            emit QuorumAttested(subject, member, t, verdict, weight, count);
            _adjudicatorOrRevert().slashInsolvency(member, t, subject, msg.sender);
        }
    }

    /// @inheritdoc ICommitmentLedger
    function attestRequest(
        uint256 requestId,
        Verdict verdict,
        bytes32 rootsDigest,
        bytes32 blobDigest,
        bytes calldata signatures
    ) external nonReentrant {
        Request storage request = _requests[requestId];
        if (request.status == RequestStatus.None) revert CommitmentLedgerUnknownRequest(requestId);
        if (request.status != RequestStatus.Answered) {
            revert CommitmentLedgerBadRequestStatus(requestId, request.status);
        }
        address member = request.member;
        uint64 t = request.t;
        _checkVerdict(_sets[setSubject(member, t)], member, t, verdict, rootsDigest, blobDigest);
        bytes32 subject = requestSubject(requestId);
        (uint256 weight, uint256 count) = _checkQuorum(
            subject,
            verdict,
            rootsDigest,
            blobDigest,
            member,
            request.createdAt,
            signatures
        );
        emit QuorumAttested(subject, member, t, verdict, weight, count);
        _settleRequest(request, requestId, member, t, verdict, subject);
    }

    // ------------------------------------------------------------------ adjudicator hooks

    /// @inheritdoc ICommitmentLedger
    function markFraudulent(address member, uint64 t, bytes32 setHash) external onlyAdjudicator {
        bytes32 setId = setSubject(member, t);
        PackedSet word = _sets[setId];
        if (word.isEmpty()) revert CommitmentLedgerUnknownSet(member, t);
        if (!word.matches(setHash)) revert CommitmentLedgerSetMismatch(member, t);
        // The adjudicator's FraudProven implies the set's status: no SetStatusChanged on this path.
        if (word.status() != SetStatus.Fraudulent) _sets[setId] = word.withStatus(SetStatus.Fraudulent);
    }

    /// @inheritdoc ICommitmentLedger
    function markRequestMissed(
        uint256 requestId
    ) external onlyAdjudicator returns (address member, address requester, uint256 fee) {
        Request storage request = _requests[requestId];
        if (request.status == RequestStatus.None) revert CommitmentLedgerUnknownRequest(requestId);
        if (request.status != RequestStatus.Open) revert CommitmentLedgerBadRequestStatus(requestId, request.status);
        if (block.timestamp <= request.deadline) {
            revert CommitmentLedgerDeadlineNotPassed(requestId, request.deadline);
        }
        member = request.member;
        requester = request.requester;
        fee = request.fee;
        request.status = RequestStatus.Missed;
        emit RequestMissed(requestId, member, request.t);
        MemberRecord storage record = _memberRecords[member];
        record.dutiesTotal += 1;
        record.openRequests -= 1;
        emit DutiesRecorded(member, 0, 1);
        // The fee is kept: it goes to the adjudicator's insurance side (the caller, a trusted contract).
        if (fee != 0) {
            (bool ok, ) = msg.sender.call{value: fee}("");
            if (!ok) revert CommitmentLedgerTransferFailed(msg.sender, fee);
        }
    }

    // ------------------------------------------------------------------ data availability

    /// @inheritdoc ICommitmentLedger
    function publishBlobRef(uint64 t, uint32 asset, bytes calldata ref) external {
        if (ref.length == 0 || ref.length > MAX_BLOB_REF_LENGTH) revert CommitmentLedgerBadBlobRef(ref.length);
        if (_sets[setSubject(msg.sender, t)].isEmpty()) revert CommitmentLedgerUnknownSet(msg.sender, t);
        emit BlobRefPublished(msg.sender, t, asset, ref);
    }

    // ------------------------------------------------------------------ fees and governance

    /// @inheritdoc ICommitmentLedger
    function withdrawFees() external nonReentrant {
        uint256 amount = _fees[msg.sender];
        if (amount == 0) revert CommitmentLedgerNothingToWithdraw(msg.sender);
        _fees[msg.sender] = 0;
        emit FeesWithdrawn(msg.sender, amount);
        (bool ok, ) = msg.sender.call{value: amount}("");
        if (!ok) revert CommitmentLedgerTransferFailed(msg.sender, amount);
    }

    /// @inheritdoc ICommitmentLedger
    function setQuorumParams(QuorumParams calldata params) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setQuorumParams(params);
    }

    /// @inheritdoc ICommitmentLedger
    function setAdjudicator(address adjudicator_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (adjudicator_ == address(0)) revert CommitmentLedgerZeroAddress();
        // Once, like the vault's: the adjudicator keeps the spent nullifiers.
        address current = _adjudicator;
        if (current != address(0)) revert CommitmentLedgerAdjudicatorAlreadySet(current);
        _adjudicator = adjudicator_;
        emit AdjudicatorSet(adjudicator_);
    }

    /// @inheritdoc ICommitmentLedger
    function setPrivateVerifier(address verifier) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (verifier == address(0)) revert CommitmentLedgerZeroAddress();
        address current = address(_privateVerifier);
        if (current != address(0)) revert CommitmentLedgerPrivateVerifierAlreadySet(current);
        _privateVerifier = IPrivateSetVerifier(verifier);
        emit PrivateVerifierSet(verifier);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ICommitmentLedger
    function privateVerifier() external view returns (address) {
        return address(_privateVerifier);
    }

    /// @inheritdoc ICommitmentLedger
    function setOf(address member, uint64 t) external view returns (CommitmentSet memory) {
        PackedSet word = _sets[setSubject(member, t)];
        return
            CommitmentSet({
                status: word.status(),
                committedAt: word.committedAt(),
                assetCount: word.assetCount(),
                declaredInsolvent: word.declaredInsolvent(),
                digest: word.digest(),
                isPrivate: word.isPrivate()
            });
    }

    /// @inheritdoc ICommitmentLedger
    function requestOf(uint256 requestId) external view returns (Request memory) {
        return _requests[requestId];
    }

    /// @inheritdoc ICommitmentLedger
    function requestIdOf(address member, uint64 t) external view returns (uint256) {
        return _requestOfSet[setSubject(member, t)];
    }

    /// @inheritdoc ICommitmentLedger
    function requestCount() external view returns (uint256) {
        return _requestCount;
    }

    /// @inheritdoc ICommitmentLedger
    function lastSnapshotOf(address member) external view returns (uint64) {
        return _memberRecords[member].lastSnapshot;
    }

    /// @inheritdoc ICommitmentLedger
    function memberRecordOf(address member) external view returns (MemberRecord memory) {
        return _memberRecords[member];
    }

    /// @inheritdoc ICommitmentLedger
    function feesOf(address account) external view returns (uint256) {
        return _fees[account];
    }

    /// @inheritdoc ICommitmentLedger
    function quorumParams() external view returns (QuorumParams memory) {
        PackedQuorum memory q = _quorum;
        return
            QuorumParams({
                quorumWeight: q.quorumWeight,
                minSigners: q.minSigners,
                requestFee: q.requestFee,
                maxOpenRequests: q.maxOpenRequests
            });
    }

    /// @inheritdoc ICommitmentLedger
    function adjudicator() external view returns (address) {
        return _adjudicator;
    }

    /// @inheritdoc ICommitmentLedger
    function attestationDigest(
        bytes32 subject,
        Verdict verdict,
        bytes32 rootsDigest,
        bytes32 blobDigest
    ) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(abi.encode(ATTESTATION_TYPEHASH, subject, uint8(verdict), rootsDigest, blobDigest))
            );
    }

    /// @inheritdoc ICommitmentLedger
    function setSubject(address member, uint64 t) public pure returns (bytes32) {
        return keccak256(abi.encode(member, t));
    }

    /// @inheritdoc ICommitmentLedger
    function requestSubject(uint256 requestId) public view returns (bytes32) {
        Request storage request = _requests[requestId];
        return keccak256(abi.encode(request.member, request.t, requestId));
    }

    // ------------------------------------------------------------------ internals

    /// @dev Validates and stores a commitment set; emits per-asset and per-set events.
    function _storeSet(address member, uint64 t, AssetCommitment[] calldata commitments) private {
        uint256 count = commitments.length;
        bytes32 setId = _checkNewSet(member, t, count);
        bool declaredInsolvent = false;
        uint256 previousAsset = 0;
        for (uint256 i = 0; i < count; ++i) {
            AssetCommitment calldata c = commitments[i];
            _checkAsset(i, previousAsset, c.asset, c.rootHash);
            previousAsset = c.asset;
            emit RootCommitted(member, c.asset, t, c.rootHash, c.rootSum, c.reserves, c.blobDigest);
            if (c.reserves < c.rootSum) {
                declaredInsolvent = true;
                emit InsolvencyDeclared(member, c.asset, t, c.reserves, c.rootSum);
            }
        }
        (bytes32 rootsDigest, bytes32 blobDigest) = CommitmentSets.digests(commitments);
        // count <= 256 and block.timestamp < 2^40 fit their fields.
        _sets[setId] = PackedSetLibrary.pack(
            CommitmentSets.setHash(rootsDigest, blobDigest),
            uint40(block.timestamp),
            uint16(count),
            declaredInsolvent,
            SetStatus.Pending
        );
        emit SetCommitted(member, t, rootsDigest, blobDigest, uint16(count));
    }

    /// @dev Verifies and stores a private set (docs/protocol.md section 17.6): per asset, the context bound to the
    /// member, asset, t, set id, chain and this ledger; both proofs through the private-set verifier; the entry
    /// `(asset, rootHash, 0, 0, entry digest)` in the set's digest. A private set is never declared insolvent: its
    /// zero-difference proof establishes reserves >= liabilities, or it is refused.
    function _storePrivateSet(address member, uint64 t, PrivateAssetCommitment[] calldata commitments) private {
        IPrivateSetVerifier verifier = _privateVerifier;
        if (address(verifier) == address(0)) revert CommitmentLedgerNoPrivateVerifier();
        uint256 count = commitments.length;
        bytes32 setId = _checkNewSet(member, t, count);
        // t is past (t < block.timestamp), so the recipients at t are final: the nodes read the same list later.
        if (!_REGISTRY.hasEncryptionRecipientAt(t)) revert CommitmentLedgerNoRecipients(t);
        AssetCommitment[] memory entries = new AssetCommitment[](count);
        uint256 previousAsset = 0;
        for (uint256 i = 0; i < count; ++i) {
            PrivateAssetCommitment calldata c = commitments[i];
            _checkAsset(i, previousAsset, c.asset, c.rootHash);
            previousAsset = c.asset;
            entries[i] = _verifyPrivateAsset(verifier, member, t, setId, c);
        }
        (bytes32 rootsDigest, bytes32 blobDigest) = CommitmentSets.digestsOf(entries);
        _sets[setId] = PackedSetLibrary
            .pack(
                CommitmentSets.setHash(rootsDigest, blobDigest),
                uint40(block.timestamp),
                uint16(count),
                false,
                SetStatus.Pending
            )
            .asPrivate();
        emit SetCommitted(member, t, rootsDigest, blobDigest, uint16(count));
    }

    /// @dev Verifies one private asset's proofs under its context and returns its entry in the set's digest.
    function _verifyPrivateAsset(
        IPrivateSetVerifier verifier,
        address member,
        uint64 t,
        bytes32 setId,
        PrivateAssetCommitment calldata c
    ) private returns (AssetCommitment memory entry) {
        uint32 asset = c.asset;
        uint256 context =
            uint256(keccak256(abi.encode(_CONTEXT_DOMAIN, block.chainid, address(this), member, asset, t, setId))) >> 8;
        uint8 failure = verifier.verify(context, c);
        if (failure != 0) revert CommitmentLedgerPrivateProofFailed(asset, failure);
        bytes32 entryDigest = CommitmentSets.privateEntryDigest(c.commitments, c.blobDigest);
        emit PrivateRootCommitted(member, asset, t, c.commitments, c.blobDigest);
        emit RootCommitted(member, asset, t, c.rootHash, 0, 0, entryDigest);
        return AssetCommitment(asset, c.rootHash, 0, 0, entryDigest);
    }

    /// @dev The set id of a new set of `count` assets (reverts on a bad count or an existing set).
    function _checkNewSet(address member, uint64 t, uint256 count) private view returns (bytes32 setId) {
        if (count == 0 || count > MAX_ASSETS) revert CommitmentLedgerBadAssetCount(count, MAX_ASSETS);
        setId = setSubject(member, t);
        if (!_sets[setId].isEmpty()) revert CommitmentLedgerSetExists(member, t);
    }

    /// @dev Checks the `i`-th asset of a set: ascending ids, a non-zero field element root, a listed asset.
    function _checkAsset(uint256 i, uint256 previousAsset, uint32 asset, uint256 rootHash) private view {
        if (i != 0 && asset <= previousAsset) revert CommitmentLedgerAssetsNotAscending(i, asset);
        if (rootHash == 0 || rootHash >= Constants.FIELD_MODULUS) revert CommitmentLedgerBadRootHash(asset, rootHash);
        // Reverts ConsortiumRegistryUnknownAsset for an asset outside governance's list.
        _REGISTRY.assetToken(asset);
    }

    /// @dev Applies an accepted request verdict to the request and its set (and slashes an insolvency once per set).
    function _settleRequest(
        Request storage request,
        uint256 requestId,
        address member,
        uint64 t,
        Verdict verdict,
        bytes32 subject
    ) private {
        bytes32 setId = setSubject(member, t);
        PackedSet word = _sets[setId];
        SetStatus previous = word.status();
        if (verdict == Verdict.Solvent) {
            request.status = RequestStatus.Finalized;
            emit RequestStatusChanged(requestId, RequestStatus.Finalized);
            if (previous == SetStatus.Pending) _setStatus(setId, word, member, t, SetStatus.Finalized);
        } else {
            request.status = RequestStatus.Insolvent;
            emit RequestStatusChanged(requestId, RequestStatus.Insolvent);
            if (previous != SetStatus.Insolvent) {
                if (previous != SetStatus.Fraudulent) _setStatus(setId, word, member, t, SetStatus.Insolvent);
                _adjudicatorOrRevert().slashInsolvency(member, t, subject, msg.sender);
            }
        }
    }

    /// @dev Checks the verdict value and that the attested digests are the stored set's.
    function _checkVerdict(
        PackedSet word,
        address member,
        uint64 t,
        Verdict verdict,
        bytes32 rootsDigest,
        bytes32 blobDigest
    ) private pure {
        if (word.isEmpty()) revert CommitmentLedgerUnknownSet(member, t);
        if (verdict != Verdict.Solvent && verdict != Verdict.Insolvent)
            revert CommitmentLedgerBadVerdict(uint8(verdict));
        if (!word.matches(CommitmentSets.setHash(rootsDigest, blobDigest))) {
            revert CommitmentLedgerDigestMismatch(rootsDigest, blobDigest);
        }
        if (verdict == Verdict.Solvent && word.declaredInsolvent()) revert CommitmentLedgerDeclaredInsolvent(member, t);
    }

    /// @dev Recovers each signer (`QuorumSignatures`: strictly ascending, not the member), checks it may co-sign and
    /// sums the weights bonded before the subject was created (`createdAt`).
    function _checkQuorum(
        bytes32 subject,
        Verdict verdict,
        bytes32 rootsDigest,
        bytes32 blobDigest,
        address member,
        uint64 createdAt,
        bytes calldata signatures
    ) private view returns (uint256 weight, uint256 count) {
        bytes32 digest = attestationDigest(subject, verdict, rootsDigest, blobDigest);
        address[] memory signers = QuorumSignatures.recover(digest, member, signatures);
        count = signers.length;
        // One call for every signer: the stake source sums the weights and names the first signer that may not co-sign
        // (or has no stake).
        uint256 refused;
        (weight, refused) = _STAKE.quorumWeightOf(signers, createdAt);
        if (refused != 0) revert CommitmentLedgerNotCoSigner(signers[refused - 1]);
        PackedQuorum memory q = _quorum;
        if (weight < q.quorumWeight || count < q.minSigners) {
            revert CommitmentLedgerQuorumNotReached(weight, q.quorumWeight, count, q.minSigners);
        }
    }

    function _setStatus(bytes32 setId, PackedSet word, address member, uint64 t, SetStatus status) private {
        _sets[setId] = word.withStatus(status);
        emit SetStatusChanged(member, t, status);
    }

    function _adjudicatorOrRevert() private view returns (IAdjudicator) {
        address adjudicator_ = _adjudicator;
        if (adjudicator_ == address(0)) revert CommitmentLedgerNotAdjudicator(address(0));
        return IAdjudicator(adjudicator_);
    }

    function _setQuorumParams(QuorumParams memory params) private {
        if (
            params.quorumWeight == 0 ||
            params.quorumWeight > type(uint128).max ||
            params.minSigners == 0 ||
            params.maxOpenRequests == 0
        ) {
            revert CommitmentLedgerBadQuorumParams(params.quorumWeight, params.minSigners, params.maxOpenRequests);
        }
        _quorum = PackedQuorum({
            quorumWeight: uint128(params.quorumWeight),
            minSigners: params.minSigners,
            requestFee: params.requestFee,
            maxOpenRequests: params.maxOpenRequests
        });
        emit QuorumParamsSet(params.quorumWeight, params.minSigners, params.requestFee, params.maxOpenRequests);
    }
}
