// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IAttestations
/// @notice Interim attestations (IA, A6), reserve attestations by auditors (RA, A7) and auditor sampling, with the
/// duty counters reputation reads (A9).
/// IA: a member posts each outbound withdrawal of customers' funds (asset, amount, destination digest, transaction
/// reference, deadline); the operators' quorum attests at the deadline whether the transaction was confirmed for that
/// amount (`attestInterim`, EIP-712 votes as the ledger's); a missed one is a missed duty and is slashed
/// (`missedInterimBps`, through the adjudicator). Per (member, asset) the contract keeps the cumulative outflow of all
/// IAs; expected reserves = the last RA's reserves minus the IAs posted after the ones it accounted for.
/// RA: a registered auditor (the registry's AUDITOR_ROLE) signs, under EIP-712, for one member and one period that
/// funds are accounted for, with findings by severity, a score, the sample it checked, the report's digest (a DA
/// blob) and per asset the reserves at the period's end and the last IA it accounted for; it net-settles the IAs up
/// to that one (they no longer wait for a verdict) and restarts the expected-reserves baseline (an RA accounting for
/// fewer IAs than the baseline's leaves it as it stands). Each auditor keeps its own nonce and period chain per member
/// (one auditor's RA cannot void another's); an auditor's periods follow each other without overlap and last at
/// least `minRaPeriod` and are posted at least `minRaPeriod` apart; each RA's findings go to Reputation
/// (`IReputation.recordFindings`: the worst penalty, decaying at a fixed slope, which no clean RA lowers); a member
/// with no RA for longer than its `raInterval` is overdue (`markOverdue`, anyone, once per interval: a missed duty).
/// Sampling: an auditor requests `size` accounts of a member's committed snapshot in one asset; the seed is the hash
/// of a block after the request (`fixSampleSeed`, anyone, within 256 blocks), which the member cannot know when the
/// request lands; the accounts are the populated leaves at ranks `uint256(keccak256(seed, i)) % leafCount` (docs/
/// protocol.md); the member opens them to the auditor before the deadline; the auditor reports how many were opened
/// and how many failed its checks (`reportSample`): all opened by the deadline is a duty met, otherwise missed.
interface IAttestations {
    /// @notice An IA's status (NetSettled is read, not stored: an Open IA an RA accounted for).
    enum InterimStatus {
        None,
        Open,
        Settled,
        Missed,
        NetSettled
    }

    /// @notice What a member posts for one outbound withdrawal.
    /// @param asset A listed asset id.
    /// @param amount Base units sent (non-zero).
    /// @param destinationDigest keccak256 of the destination address as its chain writes it (docs/protocol.md).
    /// @param txRef The transaction hash on the asset's chain (non-zero: post the IA once the transaction is sent).
    /// @param deadline When the transaction must be confirmed (after now, within the member's `interimWindow`).
    struct Interim {
        uint32 asset;
        uint128 amount;
        bytes32 destinationDigest;
        bytes32 txRef;
        uint64 deadline;
    }

    /// @notice A posted IA as the contract hashed it (in the `InterimPosted` event; verdicts and RAs pass it back).
    /// @param member The member that posted it.
    /// @param seq Its number among the member's IAs in the asset (1, 2, ...).
    /// @param cumulative The member's IA outflow in the asset up to and including this one.
    /// @param postedAt When it was posted.
    /// @param slot The seq whose storage slot holds it: its own seq, or, when posted with `postInterimInto`, the slot
    /// of the final IA it took (`slot` of that IA's record).
    struct InterimRecord {
        address member;
        uint32 asset;
        uint64 seq;
        uint128 amount;
        uint128 cumulative;
        bytes32 destinationDigest;
        bytes32 txRef;
        uint64 deadline;
        uint64 postedAt;
        uint64 slot;
    }

    /// @notice An auditor's quantified findings for one period.
    /// @param critical Findings of critical severity (likewise high, medium, low).
    /// @param score The auditor's overall score of the controls, in basis points (10000: no concern).
    /// @param sampleSize Accounts the auditor sampled in the period.
    /// @param sampleFailures Sampled accounts not opened or failing a check (at most `sampleSize`).
    struct Findings {
        uint16 critical;
        uint16 high;
        uint16 medium;
        uint16 low;
        uint16 score;
        uint32 sampleSize;
        uint32 sampleFailures;
    }

    /// @notice One asset of an RA: the reserves at the period's end and the last IA accounted for (0: none).
    struct AssetReserve {
        uint32 asset;
        uint128 reserves;
        uint64 throughSeq;
    }

    /// @notice What an auditor signs. `nonce` is the auditor's RA count for the member before this one.
    struct ReserveAttestation {
        address member;
        address auditor;
        uint64 periodStart;
        uint64 periodEnd;
        uint64 nonce;
        Findings findings;
        bytes32 reportDigest;
        AssetReserve[] reserves;
    }

    /// @notice A member's RA state: the last period's end, how many RAs, when the next is due (it never moves until
    /// the next RA) and how many intervals past it have been counted as missed duties. Each RA's findings are in its
    /// `ReserveAttested` event; what reputation keeps of them is `IReputation.findingsPenaltyOf`.
    struct AuditState {
        uint64 lastPeriodEnd;
        uint64 count;
        uint64 dueAt;
        uint32 overdueCounted;
    }

    /// @notice Per (member, asset): IAs posted, the cumulative outflow, and the baseline of the last RA.
    struct AssetBook {
        uint64 seq;
        uint64 throughSeq;
        uint128 cumulative;
        uint128 baseReserves;
        uint128 baseCumulative;
    }

    /// @notice Duty counters per kind (met, missed).
    struct Duties {
        uint32 interimsSettled;
        uint32 interimsMissed;
        uint32 raOnTime;
        uint32 raOverdue;
        uint32 samplesOpened;
        uint32 samplesMissed;
    }

    /// @notice An auditor's sample request.
    /// @param seedBlock The block whose hash seeds the sample.
    /// @param seed Fixed from `seedBlock`'s hash (zero until `fixSampleSeed`).
    /// @param deadline When the member must have opened the accounts (counted from the seed's fixing).
    /// @param reported Whether the auditor reported the outcome.
    struct Sample {
        address auditor;
        address member;
        uint64 t;
        uint32 asset;
        uint32 size;
        uint64 seedBlock;
        uint64 deadline;
        bool reported;
        bytes32 seed;
    }

    /// @notice Per (member, auditor): the auditor's RAs for the member so far (the next nonce), its last period's
    /// end (its next period starts at or after it) and when it posted the last one (its next is posted at least
    /// `minRaPeriod` later).
    struct AuditorChain {
        uint64 nonce;
        uint64 lastPeriodEnd;
        uint64 lastPostedAt;
    }

    /// @notice Governance parameters: a member's SLA defaults for attestations, the sampling window and the slash.
    /// @param raInterval Longest time between a member's RAs (from its probation, then from each RA's period end).
    /// @param interimWindow Latest deadline an IA may name, from its posting.
    /// @param sampleWindow Time a member has to open a sample, from the seed's fixing.
    /// @param missedInterimBps Share of the member's stake slashed for a missed IA (0: counted, not slashed).
    /// @param minRaPeriod Shortest period one RA may cover (at most `raInterval`), and the shortest time between two
    /// RAs of one auditor for one member: it bounds how many RA duties met a friendly auditor can add.
    struct Params {
        uint64 raInterval;
        uint64 interimWindow;
        uint64 sampleWindow;
        uint16 missedInterimBps;
        uint64 minRaPeriod;
    }

    error AttestationsZeroAddress();
    /// @notice `account` is not an operating member (Probation or Active).
    error AttestationsNotOperating(address account);
    error AttestationsUnlistedAsset(uint32 asset);
    error AttestationsZeroAmount();
    error AttestationsNoInterims();
    /// @notice The IA `seq` of (`member`, `asset`) offered to `postInterimInto` cannot give up its slot: its record
    /// does not match the slot (`status` None), it is not final (`status` not Settled or Missed), or it is not below
    /// the baseline's last IA (`throughSeq`).
    error AttestationsSlotNotFree(address member, uint32 asset, uint64 seq, InterimStatus status, uint64 throughSeq);
    /// @notice More freed slots (`freed`) than IAs (`interims`) offered to `postInterims`.
    error AttestationsTooManyFreed(uint256 freed, uint256 interims);
    /// @notice An IA naming no transaction (zero `txRef`).
    error AttestationsNoTransaction();
    /// @notice The deadline is not after now or beyond now + `interimWindow` (`latest`).
    error AttestationsBadDeadline(uint64 deadline, uint64 latest);
    /// @notice The record passed back is not the IA posted (a field differs, or no such IA).
    error AttestationsUnknownInterim(address member, uint32 asset, uint64 seq);
    /// @notice The IA is not Open (settled, missed, or net-settled by an RA).
    error AttestationsInterimNotOpen(address member, uint32 asset, uint64 seq, InterimStatus status);
    /// @notice A missed verdict before the IA's deadline.
    error AttestationsBeforeDeadline(uint64 deadline);
    /// @notice The quorum's weight or signer count is below the ledger's quorum parameters.
    error AttestationsQuorumNotReached(uint256 weight, uint256 required, uint256 signers, uint256 minSigners);
    /// @notice `signer` may not co-sign (no stake weight, not a co-signer).
    error AttestationsNotCoSigner(address signer);
    /// @notice `auditor` does not hold the registry's AUDITOR_ROLE.
    error AttestationsNotAuditor(address auditor);
    /// @notice An auditor attesting its own member account.
    error AttestationsSelfAudit(address auditor);
    /// @notice The auditor's signature does not verify (ECDSA or ERC-1271).
    error AttestationsBadSignature(address auditor);
    /// @notice `account` is not a member (never applied).
    error AttestationsNotMember(address account);
    /// @notice The nonce is not the auditor's RA count for the member.
    error AttestationsBadNonce(uint64 nonce, uint64 expected);
    /// @notice The period overlaps the auditor's last for the member (`periodStart` before `lastPeriodEnd`), is
    /// empty, or ends in the future.
    error AttestationsBadPeriod(uint64 periodStart, uint64 periodEnd, uint64 lastPeriodEnd);
    /// @notice The period is shorter than `minRaPeriod`.
    error AttestationsPeriodTooShort(uint64 periodStart, uint64 periodEnd, uint64 minRaPeriod);
    /// @notice The auditor posted its last RA for the member at `lastPostedAt`, less than `minRaPeriod` ago: back-dated
    /// periods cannot be posted in a burst to push an adverse RA's findings out of the recent ones.
    error AttestationsPostedTooSoon(uint64 lastPostedAt, uint64 minRaPeriod);
    /// @notice A score above 10000 or more sample failures than samples.
    error AttestationsBadFindings();
    /// @notice The RA's assets are not strictly ascending (at `index`), or an asset is not listed.
    error AttestationsBadReserves(uint256 index);
    /// @notice The RA names an IA it cannot account for: posted after the period, or not matching the record passed.
    error AttestationsBadThrough(uint32 asset, uint64 throughSeq);
    /// @notice The member is not past its RA due time (`dueAt`).
    error AttestationsNotOverdue(address member, uint64 dueAt);
    /// @notice No set (member, t) is committed, or `asset` is not listed.
    error AttestationsNoSuchSnapshot(address member, uint64 t, uint32 asset);
    /// @notice A sample of zero accounts or more than `max`.
    error AttestationsBadSampleSize(uint32 size, uint32 max);
    error AttestationsUnknownSample(uint256 id);
    /// @notice The seed's block is not mined yet, or is older than 256 blocks (request again).
    error AttestationsSeedUnavailable(uint256 id, uint64 seedBlock);
    error AttestationsSeedAlreadyFixed(uint256 id);
    /// @notice The sample's outcome is reported already, its seed not fixed, or it comes from another auditor.
    error AttestationsBadSampleReport(uint256 id);
    /// @notice `opened` above the sample size, or failures above `opened`'s complement.
    error AttestationsBadSampleCounts(uint32 opened, uint32 failures, uint32 size);
    error AttestationsBadParams();
    /// @notice The adjudicator is set once.
    error AttestationsAdjudicatorAlreadySet();

    event InterimPosted(bytes32 indexed interimId, address indexed member, uint32 indexed asset, InterimRecord record);
    event InterimAttested(
        bytes32 indexed interimId,
        address indexed member,
        bool settled,
        uint256 weight,
        uint256 signers,
        uint256 slashed
    );
    event ReserveAttested(
        address indexed member,
        address indexed auditor,
        uint64 periodStart,
        uint64 periodEnd,
        bytes32 reportDigest,
        Findings findings
    );
    event BaselineSet(address indexed member, uint32 indexed asset, uint128 reserves, uint64 throughSeq);
    event ReserveAttestationOverdue(address indexed member, uint64 dueAt, address reporter);
    event SampleRequested(
        uint256 indexed id,
        address indexed auditor,
        address indexed member,
        uint64 t,
        uint32 asset,
        uint32 size
    );
    event SampleSeedFixed(uint256 indexed id, bytes32 seed, uint64 deadline);
    event SampleReported(uint256 indexed id, address indexed member, uint32 opened, uint32 failures, bool onTime);
    event ParamsSet(Params params);
    event AdjudicatorSet(address adjudicator);

    /// @notice Member: posts an IA in a new storage slot; returns its id (`interimIdOf(member, asset, seq)`).
    function postInterim(Interim calldata interim) external returns (bytes32 interimId);

    /// @notice Member: posts an IA into the storage slot of `freed`, one of its own IAs in the same asset that is
    /// final (Settled or Missed) and below the baseline's last IA (`AssetBook.throughSeq`): no verdict and no RA can
    /// name it any more, so its slot is reused (about 11,000 gas less than a new one). `freed` then reads None from
    /// `interimStatusOf`; its verdict stays in its `InterimAttested` event. Returns the new IA's id.
    function postInterimInto(
        Interim calldata interim,
        InterimRecord calldata freed
    ) external returns (bytes32 interimId);

    /// @notice Member: posts several IAs in one transaction (a batched payout's withdrawals), in order, each as
    /// `postInterim` would, the i-th into the slot of `freed[i]` (as `postInterimInto`) for i < `freed.length`;
    /// returns their ids. All or none: one bad IA or freed slot reverts the batch.
    function postInterims(
        Interim[] calldata interims,
        InterimRecord[] calldata freed
    ) external returns (bytes32[] memory interimIds);

    /// @notice Anyone: submits the operators' quorum verdict on an Open IA: settled (any time) or missed (at or after
    /// its deadline). The signers sign `interimVerdictDigest(record, settled)`; weights as the ledger's quorum counts
    /// them, at the IA's posting.
    function attestInterim(InterimRecord calldata record, bool settled, bytes calldata signatures) external;

    /// @notice Anyone: posts an RA signed by its auditor; `through` holds, for each asset with `throughSeq` != 0 in
    /// order, the IA record it names.
    function postReserveAttestation(
        ReserveAttestation calldata ra,
        InterimRecord[] calldata through,
        bytes calldata signature
    ) external;

    /// @notice Anyone: records that `member` is past its RA due time (a missed duty) and moves the due time one
    /// interval on.
    function markOverdue(address member) external;

    /// @notice Auditor: requests a sample of `size` accounts of `member`'s committed set at `t` in `asset`.
    function requestSample(address member, uint64 t, uint32 asset, uint32 size) external returns (uint256 id);

    /// @notice Anyone: fixes a sample's seed from its seed block's hash (after it is mined, within 256 blocks).
    function fixSampleSeed(uint256 id) external;

    /// @notice The requesting auditor: reports how many sampled accounts the member opened and how many of those
    /// failed its checks. All opened, reported by the deadline: a duty met; otherwise missed (reported any time after
    /// the deadline).
    function reportSample(uint256 id, uint32 opened, uint32 failures) external;

    /// @notice Governance: the parameters.
    function setParams(Params calldata params) external;

    /// @notice Governance: a member's own RA interval (0: the default).
    function setMemberRaInterval(address member, uint64 raInterval) external;

    /// @notice Governance, once: the adjudicator that slashes missed IAs.
    function setAdjudicator(address adjudicator) external;

    function interimIdOf(address member, uint32 asset, uint64 seq) external pure returns (bytes32);

    /// @notice The status of the IA `record` describes (None when it does not match the IA its slot holds: never
    /// posted, or a final IA whose slot a later one took).
    function interimStatusOf(InterimRecord calldata record) external view returns (InterimStatus);

    function interimVerdictDigest(InterimRecord calldata record, bool settled) external view returns (bytes32);

    function reserveAttestationDigest(ReserveAttestation calldata ra) external view returns (bytes32);

    function assetBookOf(address member, uint32 asset) external view returns (AssetBook memory);

    /// @notice The last RA's reserves minus the IAs posted after those it accounted for (0 when they exceed it), and
    /// that outflow.
    function expectedReserves(
        address member,
        uint32 asset
    ) external view returns (uint256 expected, uint256 outflowSince);

    function auditStateOf(address member) external view returns (AuditState memory);

    /// @notice The Reputation contract each RA's findings are recorded in (`IReputation.recordFindings`).
    function reputation() external view returns (address);

    /// @notice `auditor`'s nonce and period chain for `member`.
    function auditorChainOf(address member, address auditor) external view returns (AuditorChain memory);

    /// @notice Whether `member` is past its RA due time now.
    function isOverdue(address member) external view returns (bool);

    function dutiesOf(address member) external view returns (Duties memory);

    function sampleOf(uint256 id) external view returns (Sample memory);

    function sampleCount() external view returns (uint256);

    function params() external view returns (Params memory);

    function raIntervalOf(address member) external view returns (uint64);

    function adjudicator() external view returns (address);
}
