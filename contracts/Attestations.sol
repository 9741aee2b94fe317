// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IAdjudicator} from "./interfaces/IAdjudicator.sol";
import {IAttestations} from "./interfaces/IAttestations.sol";
import {ICommitmentLedger} from "./interfaces/ICommitmentLedger.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {IReputation} from "./interfaces/IReputation.sol";
import {IStakeSource} from "./interfaces/IStakeSource.sol";
import {Constants} from "./libraries/Constants.sol";
import {MemberStatuses} from "./libraries/MemberStatuses.sol";
import {QuorumVerdicts} from "./libraries/QuorumVerdicts.sol";

/// @title Attestations
/// @notice Interim attestations, reserve attestations, auditor sampling and their duty counters: see `IAttestations`.
/// @dev Storage per IA: one slot, the keccak256 of its `InterimRecord` with the low two bits holding the status (the
/// record itself is in the `InterimPosted` event and is passed back by verdicts and RAs); per (member, asset): two
/// slots (`AssetBook`); per member: the audit state and the duty counters.
contract Attestations is IAttestations, AccessControl, EIP712, ReentrancyGuardTransient {
    using MemberStatuses for IConsortiumRegistry.MemberStatus;

    /// @notice EIP-712 type of an operator's IA verdict.
    bytes32 public constant INTERIM_VERDICT_TYPEHASH = keccak256(
        "InterimVerdict(bytes32 interimId,bytes32 recordHash,bool settled)"
    );
    /// @notice EIP-712 type of an auditor's findings.
    bytes32 public constant FINDINGS_TYPEHASH = keccak256(
        "Findings(uint16 critical,uint16 high,uint16 medium,uint16 low,uint16 score,uint32 sampleSize,"
        "uint32 sampleFailures)"
    );
    /// @notice EIP-712 type of one asset of an RA.
    bytes32 public constant ASSET_RESERVE_TYPEHASH = keccak256(
        "AssetReserve(uint32 asset,uint128 reserves,uint64 throughSeq)"
    );
    /// @notice EIP-712 type of a reserve attestation.
    bytes32 public constant RESERVE_ATTESTATION_TYPEHASH = keccak256(
        "ReserveAttestation(address member,address auditor,uint64 periodStart,uint64 periodEnd,uint64 nonce,"
        "Findings findings,bytes32 reportDigest,AssetReserve[] reserves)"
        "AssetReserve(uint32 asset,uint128 reserves,uint64 throughSeq)"
        "Findings(uint16 critical,uint16 high,uint16 medium,uint16 low,uint16 score,uint32 sampleSize,"
        "uint32 sampleFailures)"
    );
    /// @notice Most accounts in one sample.
    uint32 public constant MAX_SAMPLE_SIZE = 1_000;
    /// @notice Blocks between a sample request and the block whose hash seeds it.
    uint64 public constant SEED_DELAY_BLOCKS = 2;

    /// @dev The registry's AUDITOR_ROLE.
    bytes32 private constant _AUDITOR_ROLE = keccak256("AUDITOR_ROLE");
    uint256 private constant _STATUS_BITS = 3;

    IConsortiumRegistry private immutable _REGISTRY;
    IStakeSource private immutable _STAKE;
    ICommitmentLedger private immutable _LEDGER;
    IReputation private immutable _REPUTATION;

    Params private _params;
    address private _adjudicator;
    uint256 private _sampleCount;
    mapping(bytes32 interimId => uint256 word) private _interims;
    mapping(address member => mapping(uint32 asset => AssetBook book)) private _books;
    /// @dev A member's audit state as stored (before its first RA, `_auditState` derives the due time).
    mapping(address member => AuditState state) private _audits;
    mapping(address member => mapping(address auditor => AuditorChain chain)) private _chains;
    mapping(address member => Duties duties) private _duties;
    mapping(address member => uint64 raInterval) private _raIntervals;
    mapping(uint256 id => Sample sample) private _samples;
    /// @dev Whether an RA set the (member, asset) baseline while it accounted for no IA (`throughSeq` 0): the book
    /// alone cannot tell that baseline from none. Read and written only while the book's `throughSeq` is 0.
    mapping(address member => mapping(uint32 asset => bool set)) private _zeroBaselines;

    /// @param admin Governance (DEFAULT_ADMIN_ROLE).
    /// @param registry The consortium registry (members, assets, auditors).
    /// @param stakeSource The stake source (operators' quorum weights).
    /// @param ledger The commitment ledger (quorum parameters, committed sets).
    /// @param reputation Reputation (each RA's findings are recorded there: `IReputation.recordFindings`).
    /// @param params_ The initial parameters.
    constructor(
        address admin,
        IConsortiumRegistry registry,
        IStakeSource stakeSource,
        ICommitmentLedger ledger,
        IReputation reputation,
        Params memory params_
    ) EIP712("PoR Attestations", "1") {
        if (
            admin == address(0) ||
            address(registry) == address(0) ||
            address(stakeSource) == address(0) ||
            address(ledger) == address(0) ||
            address(reputation) == address(0)
        ) revert AttestationsZeroAddress();
        _REGISTRY = registry;
        _STAKE = stakeSource;
        _LEDGER = ledger;
        _REPUTATION = reputation;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setParams(params_);
    }

    // ------------------------------------------------------------------ interim attestations

    /// @inheritdoc IAttestations
    function postInterim(Interim calldata interim) external returns (bytes32 interimId) {
        if (!_REGISTRY.statusOf(msg.sender).isOperating()) revert AttestationsNotOperating(msg.sender);
        interimId = _postInterim(msg.sender, interim, _params.interimWindow, 0);
    }

    /// @inheritdoc IAttestations
    function postInterimInto(
        Interim calldata interim,
        InterimRecord calldata freed
    ) external returns (bytes32 interimId) {
        if (!_REGISTRY.statusOf(msg.sender).isOperating()) revert AttestationsNotOperating(msg.sender);
        interimId = _postInterimInto(msg.sender, interim, freed, _params.interimWindow);
    }

    /// @inheritdoc IAttestations
    function postInterims(
        Interim[] calldata interims,
        InterimRecord[] calldata freed
    ) external returns (bytes32[] memory interimIds) {
        if (!_REGISTRY.statusOf(msg.sender).isOperating()) revert AttestationsNotOperating(msg.sender);
        uint256 count = interims.length;
        if (count == 0) revert AttestationsNoInterims();
        uint256 reused = freed.length;
        if (reused > count) revert AttestationsTooManyFreed(reused, count);
        uint64 window = _params.interimWindow;
        interimIds = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            interimIds[i] =
                i < reused
                    ? _postInterimInto(msg.sender, interims[i], freed[i], window)
                    : _postInterim(msg.sender, interims[i], window, 0);
        }
    }

    /// @dev Books `interim` of `member` into the slot of `freed`, once `freed` is shown to be free: the member's own IA
    /// in the same asset, matching its slot, final (Settled or Missed: no verdict can name it) and below the
    /// baseline's last IA (no RA can set a baseline from it: `_setBaselines` reads only records at or above it).
    function _postInterimInto(
        address member,
        Interim calldata interim,
        InterimRecord calldata freed,
        uint64 window
    ) private returns (bytes32 interimId) {
        uint64 throughSeq = _books[member][interim.asset].throughSeq;
        InterimStatus status =
            freed.member == member && freed.asset == interim.asset ? _statusOf(freed) : InterimStatus.None;
        if ((status != InterimStatus.Settled && status != InterimStatus.Missed) || freed.seq >= throughSeq) {
            revert AttestationsSlotNotFree(member, interim.asset, freed.seq, status, throughSeq);
        }
        interimId = _postInterim(member, interim, window, freed.slot);
    }

    /// @dev Books one IA of `member` (checked to be operating) with the next seq of its asset, in a new slot (its own
    /// seq: `slot` 0) or in the slot of the seq `slot` (checked free by the caller).
    function _postInterim(
        address member,
        Interim calldata interim,
        uint64 window,
        uint64 slot
    ) private returns (bytes32 interimId) {
        AssetBook storage book = _books[member][interim.asset];
        uint64 seq = book.seq + 1;
        // Listings are permanent: an asset with an IA posted before is still listed.
        if (seq == 1 && !_isListed(interim.asset)) revert AttestationsUnlistedAsset(interim.asset);
        if (interim.amount == 0) revert AttestationsZeroAmount();
        // An IA names the transaction that pays it: one without could never be found settled.
        if (interim.txRef == bytes32(0)) revert AttestationsNoTransaction();
        uint64 latest = uint64(block.timestamp) + window;
        if (interim.deadline <= block.timestamp || interim.deadline > latest) {
            revert AttestationsBadDeadline(interim.deadline, latest);
        }
        uint128 cumulative = book.cumulative + interim.amount;
        book.seq = seq;
        book.cumulative = cumulative;
        if (slot == 0) slot = seq;
        InterimRecord memory record = InterimRecord({
            member: member,
            asset: interim.asset,
            seq: seq,
            amount: interim.amount,
            cumulative: cumulative,
            destinationDigest: interim.destinationDigest,
            txRef: interim.txRef,
            deadline: interim.deadline,
            postedAt: uint64(block.timestamp),
            slot: slot
        });
        interimId = interimIdOf(member, interim.asset, seq);
        _interims[slot == seq ? interimId : interimIdOf(member, interim.asset, slot)] = _withStatus(
            _recordHash(record),
            InterimStatus.Open
        );
        emit InterimPosted(interimId, member, interim.asset, record);
    }

    /// @inheritdoc IAttestations
    function attestInterim(
        InterimRecord calldata record,
        bool settled,
        bytes calldata signatures
    ) external nonReentrant {
        bytes32 interimId = interimIdOf(record.member, record.asset, record.seq);
        InterimStatus status = _statusOf(record);
        if (status == InterimStatus.None) revert AttestationsUnknownInterim(record.member, record.asset, record.seq);
        // An RA's net settlement does not excuse a withdrawal that was never confirmed, nor stand for one that was: a
        // net-settled IA still takes either verdict (missed: slashed; settled: the duty met, and the IA final).
        if (status != InterimStatus.Open && status != InterimStatus.NetSettled) {
            revert AttestationsInterimNotOpen(record.member, record.asset, record.seq, status);
        }
        if (!settled && block.timestamp < record.deadline) revert AttestationsBeforeDeadline(record.deadline);
        (uint256 weight, uint256 count) = _checkQuorum(record, settled, signatures);
        uint256 slashed = _recordVerdict(interimId, record, settled);
        emit InterimAttested(interimId, record.member, settled, weight, count, slashed);
    }

    // ------------------------------------------------------------------ reserve attestations

    /// @inheritdoc IAttestations
    function postReserveAttestation(
        ReserveAttestation calldata ra,
        InterimRecord[] calldata through,
        bytes calldata signature
    ) external nonReentrant {
        address member = ra.member;
        address auditor = ra.auditor;
        if (!IAccessControl(address(_REGISTRY)).hasRole(_AUDITOR_ROLE, auditor)) revert AttestationsNotAuditor(auditor);
        if (auditor == member) revert AttestationsSelfAudit(auditor);
        if (_REGISTRY.statusOf(member) == IConsortiumRegistry.MemberStatus.None) revert AttestationsNotMember(member);
        _advanceChain(ra);
        Findings calldata f = ra.findings;
        if (f.score > Constants.BPS || f.sampleFailures > f.sampleSize) revert AttestationsBadFindings();
        if (!SignatureChecker.isValidSignatureNow(auditor, reserveAttestationDigest(ra), signature)) {
            revert AttestationsBadSignature(auditor);
        }
        _setBaselines(ra, through);
        _recordRa(member, ra.periodEnd);
        _REPUTATION.recordFindings(member, f);
        emit ReserveAttested(member, auditor, ra.periodStart, ra.periodEnd, ra.reportDigest, f);
    }

    /// @dev Checks `ra`'s nonce and period against its auditor's chain for the member, and advances the chain. Each
    /// auditor keeps its own: another auditor's RA, front-running, cannot void this one.
    function _advanceChain(ReserveAttestation calldata ra) private {
        AuditorChain memory chain = _chains[ra.member][ra.auditor];
        if (ra.nonce != chain.nonce) revert AttestationsBadNonce(ra.nonce, chain.nonce);
        if (ra.periodStart < chain.lastPeriodEnd || ra.periodEnd <= ra.periodStart || ra.periodEnd > block.timestamp) {
            revert AttestationsBadPeriod(ra.periodStart, ra.periodEnd, chain.lastPeriodEnd);
        }
        uint64 minPeriod = _params.minRaPeriod;
        if (ra.periodEnd - ra.periodStart < minPeriod) {
            revert AttestationsPeriodTooShort(ra.periodStart, ra.periodEnd, minPeriod);
        }
        // An auditor's RAs for a member are spaced by posting time too: its first may come at any time, each later one
        // at least minRaPeriod after the last (else four back-dated periods posted at once flush the recent findings).
        if (chain.nonce > 0 && block.timestamp < uint256(chain.lastPostedAt) + minPeriod) {
            revert AttestationsPostedTooSoon(chain.lastPostedAt, minPeriod);
        }
        _chains[ra.member][ra.auditor] = AuditorChain({
            nonce: chain.nonce + 1,
            lastPeriodEnd: ra.periodEnd,
            lastPostedAt: uint64(block.timestamp)
        });
    }

    /// @dev Counts an RA's duty and moves the member's due time.
    function _recordRa(address member, uint64 periodEnd) private {
        // On time when posted by the due time; a late RA counts every interval past the due time that markOverdue
        // has not counted yet.
        AuditState memory state = _auditState(member);
        Duties storage duties = _duties[member];
        if (block.timestamp <= state.dueAt) {
            duties.raOnTime += 1;
        } else {
            uint32 late = _lateIntervals(member, state);
            duties.raOverdue += late - state.overdueCounted;
            state.overdueCounted = late;
        }
        // The due time follows the latest period any auditor attested (an RA of an earlier period does not move it).
        if (periodEnd > state.lastPeriodEnd) {
            state.lastPeriodEnd = periodEnd;
            state.dueAt = periodEnd + raIntervalOf(member);
            state.overdueCounted = 0;
        }
        state.count += 1;
        _audits[member] = state;
    }

    /// @inheritdoc IAttestations
    function markOverdue(address member) external {
        AuditState memory state = _auditState(member);
        uint32 late = state.dueAt == 0 || block.timestamp <= state.dueAt ? 0 : _lateIntervals(member, state);
        if (late <= state.overdueCounted) {
            revert AttestationsNotOverdue(member, state.dueAt + uint64(state.overdueCounted) * raIntervalOf(member));
        }
        _duties[member].raOverdue += late - state.overdueCounted;
        emit ReserveAttestationOverdue(member, state.dueAt, msg.sender);
        state.overdueCounted = late;
        _audits[member] = state;
    }

    // ------------------------------------------------------------------ sampling

    /// @inheritdoc IAttestations
    function requestSample(address member, uint64 t, uint32 asset, uint32 size) external returns (uint256 id) {
        if (!IAccessControl(address(_REGISTRY)).hasRole(_AUDITOR_ROLE, msg.sender)) {
            revert AttestationsNotAuditor(msg.sender);
        }
        if (msg.sender == member) revert AttestationsSelfAudit(msg.sender);
        if (size == 0 || size > MAX_SAMPLE_SIZE) revert AttestationsBadSampleSize(size, MAX_SAMPLE_SIZE);
        // The set's assets are bound by its digest only: the auditor's tool checks the asset is among them.
        if (_LEDGER.setOf(member, t).status == ICommitmentLedger.SetStatus.None || !_isListed(asset))
            revert AttestationsNoSuchSnapshot(member, t, asset);
        id = ++_sampleCount;
        _samples[id] = Sample({
            auditor: msg.sender,
            member: member,
            t: t,
            asset: asset,
            size: size,
            seedBlock: uint64(block.number) + SEED_DELAY_BLOCKS,
            deadline: 0,
            reported: false,
            seed: bytes32(0)
        });
        emit SampleRequested(id, msg.sender, member, t, asset, size);
    }

    /// @inheritdoc IAttestations
    function fixSampleSeed(uint256 id) external {
        Sample storage sample = _samples[id];
        if (sample.auditor == address(0)) revert AttestationsUnknownSample(id);
        if (sample.seed != bytes32(0)) revert AttestationsSeedAlreadyFixed(id);
        bytes32 hash = blockhash(sample.seedBlock);
        if (hash == bytes32(0)) revert AttestationsSeedUnavailable(id, sample.seedBlock);
        bytes32 seed = keccak256(abi.encode(block.chainid, address(this), id, hash));
        uint64 deadline = uint64(block.timestamp) + _params.sampleWindow;
        sample.seed = seed;
        sample.deadline = deadline;
        emit SampleSeedFixed(id, seed, deadline);
    }

    /// @inheritdoc IAttestations
    function reportSample(uint256 id, uint32 opened, uint32 failures) external {
        Sample storage sample = _samples[id];
        if (sample.auditor == address(0)) revert AttestationsUnknownSample(id);
        if (sample.auditor != msg.sender || sample.reported || sample.seed == bytes32(0)) {
            revert AttestationsBadSampleReport(id);
        }
        uint32 size = sample.size;
        if (opened > size || failures > opened) revert AttestationsBadSampleCounts(opened, failures, size);
        // Met only when every account was opened in time and passed the auditor's checks.
        bool onTime = opened == size && failures == 0 && block.timestamp <= sample.deadline;
        // A short opening can only be reported once the member's time is up (a failed check at any time).
        if (opened < size && block.timestamp <= sample.deadline) revert AttestationsBeforeDeadline(sample.deadline);
        sample.reported = true;
        Duties storage duties = _duties[sample.member];
        if (onTime) duties.samplesOpened += 1;
        else duties.samplesMissed += 1;
        emit SampleReported(id, sample.member, opened, failures, onTime);
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc IAttestations
    function setParams(Params calldata params_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setParams(params_);
    }

    /// @inheritdoc IAttestations
    function setMemberRaInterval(address member, uint64 raInterval) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _raIntervals[member] = raInterval;
    }

    /// @inheritdoc IAttestations
    function setAdjudicator(address adjudicator_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (adjudicator_ == address(0)) revert AttestationsZeroAddress();
        if (_adjudicator != address(0)) revert AttestationsAdjudicatorAlreadySet();
        _adjudicator = adjudicator_;
        emit AdjudicatorSet(adjudicator_);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IAttestations
    function interimIdOf(address member, uint32 asset, uint64 seq) public pure returns (bytes32) {
        return keccak256(abi.encode(member, asset, seq));
    }

    /// @inheritdoc IAttestations
    function interimStatusOf(InterimRecord calldata record) external view returns (InterimStatus) {
        return _statusOf(record);
    }

    /// @inheritdoc IAttestations
    function interimVerdictDigest(InterimRecord calldata record, bool settled) public view returns (bytes32) {
        bytes32 interimId = interimIdOf(record.member, record.asset, record.seq);
        return
            _hashTypedDataV4(
                keccak256(abi.encode(INTERIM_VERDICT_TYPEHASH, interimId, _calldataHash(record), settled))
            );
    }

    /// @inheritdoc IAttestations
    function reserveAttestationDigest(ReserveAttestation calldata ra) public view returns (bytes32) {
        uint256 count = ra.reserves.length;
        bytes32[] memory hashes = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            AssetReserve calldata r = ra.reserves[i];
            hashes[i] = keccak256(abi.encode(ASSET_RESERVE_TYPEHASH, r.asset, r.reserves, r.throughSeq));
        }
        Findings calldata f = ra.findings;
        bytes32 findingsHash = keccak256(
            abi.encode(FINDINGS_TYPEHASH, f.critical, f.high, f.medium, f.low, f.score, f.sampleSize, f.sampleFailures)
        );
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        RESERVE_ATTESTATION_TYPEHASH,
                        ra.member,
                        ra.auditor,
                        ra.periodStart,
                        ra.periodEnd,
                        ra.nonce,
                        findingsHash,
                        ra.reportDigest,
                        keccak256(abi.encodePacked(hashes))
                    )
                )
            );
    }

    /// @inheritdoc IAttestations
    function assetBookOf(address member, uint32 asset) external view returns (AssetBook memory) {
        return _books[member][asset];
    }

    /// @inheritdoc IAttestations
    function expectedReserves(
        address member,
        uint32 asset
    ) external view returns (uint256 expected, uint256 outflowSince) {
        AssetBook memory book = _books[member][asset];
        outflowSince = book.cumulative - book.baseCumulative;
        expected = outflowSince >= book.baseReserves ? 0 : book.baseReserves - outflowSince;
    }

    /// @inheritdoc IAttestations
    function auditStateOf(address member) external view returns (AuditState memory) {
        return _auditState(member);
    }

    /// @inheritdoc IAttestations
    function reputation() external view returns (address) {
        return address(_REPUTATION);
    }

    /// @inheritdoc IAttestations
    function auditorChainOf(address member, address auditor) external view returns (AuditorChain memory) {
        return _chains[member][auditor];
    }

    /// @inheritdoc IAttestations
    function isOverdue(address member) external view returns (bool) {
        uint64 dueAt = _auditState(member).dueAt;
        return dueAt != 0 && block.timestamp > dueAt;
    }

    /// @inheritdoc IAttestations
    function dutiesOf(address member) external view returns (Duties memory) {
        return _duties[member];
    }

    /// @inheritdoc IAttestations
    function sampleOf(uint256 id) external view returns (Sample memory) {
        return _samples[id];
    }

    /// @inheritdoc IAttestations
    function sampleCount() external view returns (uint256) {
        return _sampleCount;
    }

    /// @inheritdoc IAttestations
    function params() external view returns (Params memory) {
        return _params;
    }

    /// @inheritdoc IAttestations
    function raIntervalOf(address member) public view returns (uint64) {
        uint64 own = _raIntervals[member];
        return own == 0 ? _params.raInterval : own;
    }

    /// @inheritdoc IAttestations
    function adjudicator() external view returns (address) {
        return _adjudicator;
    }

    // ------------------------------------------------------------------ internals

    /// @dev The operators' quorum over `record`'s verdict, as the ledger's quorum parameters require it; weights at
    /// the IA's posting.
    function _checkQuorum(
        InterimRecord calldata record,
        bool settled,
        bytes calldata signatures
    ) private view returns (uint256 weight, uint256 count) {
        QuorumVerdicts.Tally memory t = QuorumVerdicts.tally(
            interimVerdictDigest(record, settled),
            record.member,
            record.postedAt,
            signatures,
            _STAKE,
            _LEDGER
        );
        if (t.refused != address(0)) revert AttestationsNotCoSigner(t.refused);
        if (!QuorumVerdicts.reached(t)) {
            revert AttestationsQuorumNotReached(t.weight, t.quorumWeight, t.count, t.minSigners);
        }
        return (t.weight, t.count);
    }

    /// @dev Stores the verdict, counts the duty, and slashes a missed IA (`missedInterimBps`, when wired).
    function _recordVerdict(
        bytes32 interimId,
        InterimRecord calldata record,
        bool settled
    ) private returns (uint256 slashed) {
        Duties storage duties = _duties[record.member];
        bytes32 hash = _calldataHash(record);
        bytes32 key = _slotKey(record);
        if (settled) {
            _interims[key] = _withStatus(hash, InterimStatus.Settled);
            duties.interimsSettled += 1;
            return 0;
        }
        _interims[key] = _withStatus(hash, InterimStatus.Missed);
        duties.interimsMissed += 1;
        uint16 bps = _params.missedInterimBps;
        address adjudicator_ = _adjudicator;
        if (bps != 0 && adjudicator_ != address(0)) {
            // No bounty: the submitter of a missed verdict could be the member itself (its own bounty back).
            slashed = IAdjudicator(adjudicator_).slashMissedInterim(record.member, interimId, bps, address(0));
        }
    }

    /// @dev Per asset of `ra`: checks the assets ascend and are listed, resolves `throughSeq` to its IA's cumulative
    /// outflow (from `through`, in order), and sets the baseline.
    function _setBaselines(ReserveAttestation calldata ra, InterimRecord[] calldata through) private {
        uint256 count = ra.reserves.length;
        uint256 used = 0;
        uint32 previous = 0;
        for (uint256 i = 0; i < count; ++i) {
            AssetReserve calldata r = ra.reserves[i];
            if ((i != 0 && r.asset <= previous) || !_isListed(r.asset)) {
                revert AttestationsBadReserves(i);
            }
            previous = r.asset;
            AssetBook storage book = _books[ra.member][r.asset];
            uint64 baseSeq = book.throughSeq;
            uint128 baseCumulative = 0;
            if (r.throughSeq != 0) {
                if (used == through.length) revert AttestationsBadThrough(r.asset, r.throughSeq);
                InterimRecord calldata record = through[used++];
                // The record must still hold its slot only at or above the baseline's last IA: one below may have given
                // its slot to a later IA (`postInterimInto`), and this RA cannot move the baseline with it anyway.
                if (
                    record.member != ra.member ||
                    record.asset != r.asset ||
                    record.seq != r.throughSeq ||
                    record.postedAt > ra.periodEnd ||
                    (r.throughSeq >= baseSeq && _statusOf(record) == InterimStatus.None)
                ) revert AttestationsBadThrough(r.asset, r.throughSeq);
                baseCumulative = record.cumulative;
            }
            // An RA accounting for fewer IAs than the baseline (another auditor's, of an earlier period) leaves the
            // baseline as it stands: its findings still count.
            if (r.throughSeq < baseSeq) continue;
            // One accounting for the same IAs as the baseline (any auditor's, back-dated or not) lowers the reserves
            // figure, never raises it: of two figures for the same outflow the smaller stands, whichever landed first.
            if (r.throughSeq == baseSeq && _hasBaseline(ra.member, r.asset, baseSeq)) {
                if (r.reserves >= book.baseReserves) continue;
                book.baseReserves = r.reserves;
                emit BaselineSet(ra.member, r.asset, r.reserves, r.throughSeq);
                continue;
            }
            if (r.throughSeq == 0) _zeroBaselines[ra.member][r.asset] = true;
            book.throughSeq = r.throughSeq;
            book.baseReserves = r.reserves;
            book.baseCumulative = baseCumulative;
            emit BaselineSet(ra.member, r.asset, r.reserves, r.throughSeq);
        }
        if (used != through.length) revert AttestationsBadThrough(0, 0);
    }

    /// @dev Whether an RA set the (member, asset) baseline, given the book's `throughSeq` (non-zero only once one did).
    function _hasBaseline(address member, uint32 asset, uint64 baseSeq) private view returns (bool) {
        return baseSeq != 0 || _zeroBaselines[member][asset];
    }

    /// @dev How many RA intervals have started since `state.dueAt` passed (at least 1 once past it).
    function _lateIntervals(address member, AuditState memory state) private view returns (uint32) {
        return SafeCast.toUint32((block.timestamp - state.dueAt - 1) / raIntervalOf(member) + 1);
    }

    /// @dev The member's audit state; before its first RA, due `raInterval` after its probation began (zero: not
    /// yet on probation, never due).
    function _auditState(address member) private view returns (AuditState memory state) {
        state = _audits[member];
        if (state.count == 0 && state.dueAt == 0) {
            uint64 since = _REGISTRY.memberInfo(member).probationSince;
            if (since != 0) state.dueAt = since + raIntervalOf(member);
        }
    }

    /// @dev The stored status of `record`'s slot if `record` hashes to what the slot holds; NetSettled for an Open IA
    /// an RA accounted for; None otherwise.
    function _statusOf(InterimRecord calldata record) private view returns (InterimStatus) {
        uint256 word = _interims[_slotKey(record)];
        if (word == 0 || (word >> _STATUS_BITS) != (uint256(_calldataHash(record)) >> _STATUS_BITS)) {
            return InterimStatus.None;
        }
        InterimStatus status = InterimStatus(word & ((1 << _STATUS_BITS) - 1));
        if (status == InterimStatus.Open && record.seq <= _books[record.member][record.asset].throughSeq) {
            return InterimStatus.NetSettled;
        }
        return status;
    }

    /// @dev Whether the registry lists `asset` (its `assetToken` reverts for an unlisted one).
    function _isListed(uint32 asset) private view returns (bool) {
        try _REGISTRY.assetToken(asset) returns (address) {
            return true;
        } catch {
            return false;
        }
    }

    /// @dev Where `record` is stored: keyed as the id of the seq whose slot it holds.
    function _slotKey(InterimRecord calldata record) private pure returns (bytes32) {
        return interimIdOf(record.member, record.asset, record.slot);
    }

    /// @dev `_recordHash` of a record in calldata, hashed where it lies: a static struct's calldata bytes are its
    /// `abi.encode` when its fields are clean, and a record with dirty bits hashes to something no slot holds.
    function _calldataHash(InterimRecord calldata record) private pure returns (bytes32 hash) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, record, 320)
            hash := keccak256(ptr, 320)
        }
    }

    function _recordHash(InterimRecord memory record) private pure returns (bytes32) {
        return keccak256(abi.encode(record));
    }

    function _withStatus(bytes32 hash, InterimStatus status) private pure returns (uint256) {
        return ((uint256(hash) >> _STATUS_BITS) << _STATUS_BITS) | uint256(status);
    }

    function _setParams(Params memory params_) private {
        if (
            params_.raInterval == 0 ||
            params_.interimWindow == 0 ||
            params_.sampleWindow == 0 ||
            params_.minRaPeriod > params_.raInterval ||
            params_.missedInterimBps > Constants.BPS
        ) revert AttestationsBadParams();
        _params = params_;
        emit ParamsSet(params_);
    }
}
